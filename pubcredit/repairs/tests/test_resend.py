"""A repaired record stays repaired when its provider sends the same source record again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import BatchStatus
from pubcredit.collection.services.batches import batch_submit_rows
from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.records.models import Record
from pubcredit.records.services import record_withdraw
from pubcredit.records.tests.conftest import cf_data
from pubcredit.repairs.services import repair_apply, repair_decide
from pubcredit.repairs.tests.conftest import at, proof

PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Any) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"


def _send(clerk, ref: str, row: dict[str, Any]):
    submitted = batch_submit_rows(
        actor=clerk, provider=clerk.organisation, item_code="CF", rows=[row], ref=ref, default_tier="general"
    )
    assert submitted.batch.status == BatchStatus.ACCEPTED, submitted.batch.problems
    return submitted.batch


def _public_ids(subject) -> set[int]:
    return {entry.record.pk for entry in records_disclosed(viewer=PUBLIC, subject=subject, on=TODAY)}


def test_a_resent_record_stays_repaired_and_undisclosed_under_xian(pack, applicant, clerk):
    subject = applicant.subject
    row = cf_data(subject, wsh="西市监罚〔2026〕88号", CF_JDRQ="2026-06-15", CF_YXQ="2027-06-15")
    with pack("xian"), at(TODAY):
        catalog_seed()
        _send(clerk, "B-1", row)
        record = Record.objects.get(provider=clerk.organisation, source_ref="西市监罚〔2026〕88号")
        assert record.tier == "general" and record.pk in _public_ids(subject)
        application = repair_apply(
            actor=applicant, record=record, ground="罚款已缴清", commitment_signed=True, proofs=[proof()]
        )
        repair_decide(actor=clerk, application=application, accept=True)
        assert record.pk not in _public_ids(subject)

        same = _send(clerk, "B-2", row)
        assert (same.rows_created, same.rows_unchanged) == (0, 1)
        changed = _send(clerk, "B-3", dict(row, CF_NR="罚款人民币2万元（已缴清）"))
        assert (changed.rows_created, changed.rows_updated) == (0, 1)

        assert Record.objects.filter(provider=clerk.organisation, item_code="CF").count() == 1
        record.refresh_from_db()
        assert record.version == 2
        assert record.pk not in _public_ids(subject)
        assert _public_ids(subject) == set()


def test_a_withdrawn_repaired_record_sent_again_stays_repaired(pack, applicant, clerk):
    subject = applicant.subject
    row = cf_data(subject, wsh="西市监罚〔2026〕89号", CF_JDRQ="2026-06-15", CF_YXQ="2027-06-15")
    with pack("xian"), at(TODAY):
        catalog_seed()
        _send(clerk, "B-1", row)
        record = Record.objects.get(provider=clerk.organisation, source_ref="西市监罚〔2026〕89号")
        application = repair_apply(
            actor=applicant, record=record, ground="罚款已缴清", commitment_signed=True, proofs=[proof()]
        )
        repair_decide(actor=clerk, application=application, accept=True)
        record_withdraw(actor=clerk, record=record, reason="文书信息有误，撤回后重报")
        _send(clerk, "B-2", row)
        assert _public_ids(subject) == set()
