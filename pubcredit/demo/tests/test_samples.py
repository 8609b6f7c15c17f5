"""The demo's upload files: one lands whole, the other is refused with its three bad rows named."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pubcredit.accounts.tests.factories import ProviderClerkFactory
from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import BatchStatus
from pubcredit.collection.services.batches import batch_submit_file
from pubcredit.demo.samples import write_sample_files
from pubcredit.subjects.tests.factories import OrgSubjectFactory


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_sample_files_land_and_are_refused_as_described(db, tmp_path):
    catalog_seed()
    OrgSubjectFactory.create_batch(8)
    clerk = ProviderClerkFactory.create()
    good, bad = write_sample_files(tmp_path / "demo-files", rows=8)
    with good.open("rb") as fh:
        landed = batch_submit_file(
            actor=clerk, provider=clerk.organisation, item_code="CF", stream=fh, file_name=good.name
        )
    assert landed.batch.status == BatchStatus.ACCEPTED, landed.batch.problems
    assert landed.batch.rows_created == 8
    with bad.open("rb") as fh:
        refused = batch_submit_file(
            actor=clerk, provider=clerk.organisation, item_code="CF", stream=fh, file_name=bad.name
        )
    assert refused.batch.status == BatchStatus.REJECTED
    assert sorted({p["row"] for p in refused.batch.problems}) == [3, 5, 6]
