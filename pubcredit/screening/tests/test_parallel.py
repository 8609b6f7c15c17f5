"""The worker's status lookups on their own connections (PostgreSQL, outside a transaction) give
the same results as the serial path. (A transactional test starts without the seeded list types,
so the lists themselves are tested in test_standing.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from pubcredit.accounts.tests.factories import ConsumerClerkFactory
from pubcredit.core.tests.auditing import audit_erasable_after_test  # noqa: F401 (a fixture)
from pubcredit.screening import matching, services
from pubcredit.screening.index import current_index
from pubcredit.screening.matching import InputRow, screen_in_chunks
from pubcredit.screening.services import screening_process, screening_submit
from pubcredit.screening.tests.conftest import csv_bytes
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def decision_storage(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_parallel_status_lookups_match_the_serial_ones(audit_erasable_after_test: None, monkeypatch: Any) -> None:  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("status lookups run on other connections only on PostgreSQL")
    assert matching.parallel_status_possible()
    names = [f"西安第{n}号华信科技有限公司" for n in range(9)]
    firms = [OrgSubjectFactory.create(name=name) for name in names]
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        rows = [InputRow(number=n + 2, name=f"第{n}号华信科技（西安）有限公司") for n in range(9)]
        index, _report = current_index(persist=False)
        on = dt.date(2026, 11, 20)
        serial = [
            r
            for chunk in screen_in_chunks(rows, index=index, organisation_id=None, on=on, chunk_rows=2, parallel=False)
            for r in chunk
        ]
        threaded = [
            r
            for chunk in screen_in_chunks(rows, index=index, organisation_id=None, on=on, chunk_rows=2, parallel=True)
            for r in chunk
        ]

        def view(results: list[matching.RowResult]) -> list[tuple[int, int, list[str]]]:
            return [(r.number, r.candidates[0].subject_id, r.candidates[0].lists) for r in results]

        assert view(threaded) == view(serial)
        assert [subject for _n, subject, _lists in view(threaded)] == [firm.pk for firm in firms]
        assert all(c.standing for r in threaded for c in r.candidates[:1])

        # The worker takes the same path for a queued job.
        monkeypatch.setattr(services, "INLINE_ROWS", 3)
        clerk = ConsumerClerkFactory.create()
        content = csv_bytes([["名称"], *[[f"第{n}号华信科技（西安）有限公司"] for n in range(9)]])
        job = screening_submit(actor=clerk, file_name="名单.csv", content=content)
        done = screening_process(job.pk, chunk_rows=2)
    assert (done.state, done.processed_rows, done.matched_rows) == ("done", 9, 9)
    stored = {row.row_number: row.candidates[0] for row in done.rows.all()}
    assert stored[6]["subject_id"] == firms[4].pk and stored[6]["standing"]
