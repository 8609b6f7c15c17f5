"""List status and measures come from pubcredit.measures for every shown candidate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ProviderClerkFactory
from pubcredit.lists.tests.factories import enter
from pubcredit.screening.services import screening_submit
from pubcredit.screening.tests.conftest import csv_bytes
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def decision_storage(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_listed_subject_shows_its_list_and_the_measures_of_the_business_type(clerk: User) -> None:
    listed = OrgSubjectFactory.create(name="西安鼎盛建设工程有限公司")
    clean = OrgSubjectFactory.create(name="西安瑞丰商贸有限公司")
    issuer = ProviderClerkFactory.create()
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        enter(issuer, listed, code="severe", decided_on=dt.date(2026, 11, 18))
        job = screening_submit(
            actor=clerk,
            file_name="投标人.csv",
            content=csv_bytes([["名称"], ["鼎盛建设工程（西安）有限公司"], ["西安瑞丰商贸有限公司"]]),
            business_type="procurement",
        )
    rows = {row.row_number: row for row in job.rows.all()}
    found = rows[2].candidates[0]
    assert found["subject_id"] == listed.pk
    assert any(label.startswith("严重失信主体名单（至2029-11-17") for label in found["lists"]), found["lists"]
    assert found["measures"], "a severe-list subject has measures in government procurement"
    assert rows[3].candidates[0]["subject_id"] == clean.pk
    assert (rows[3].candidates[0]["lists"], rows[3].candidates[0]["measures"]) == ([], [])
