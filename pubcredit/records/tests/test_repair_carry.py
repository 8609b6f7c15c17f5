"""A repair stays with its finding when the provider withdraws the record and sends it again,
whichever way the new record is created (the batch stream is tested in pubcredit/repairs)."""

from __future__ import annotations

import pytest

from pubcredit.core.models import AuditEvent
from pubcredit.records.models import Annotation, AnnotationKind, Record
from pubcredit.records.services import record_hold_place, record_withdraw, records_bulk_create
from pubcredit.records.tests.test_bulk import rows_for
from pubcredit.records.tests.test_services import create_cf
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


def _repaired_and_withdrawn(clerk, record: Record) -> Annotation:
    repair = record_hold_place(
        actor=clerk,
        record=record,
        kind=AnnotationKind.REPAIR,
        text="已信用修复",
        article="西安 第三十二条",
        workflow="test",
    )
    record_withdraw(actor=clerk, record=record, reason="撤回后重报")
    return repair


def _repair_of(record: Record) -> Annotation | None:
    return Annotation.objects.filter(record=record, kind=AnnotationKind.REPAIR, active=True).first()


def test_record_create_carries_the_repair_of_the_withdrawn_record(catalogue, clerk, company, today):
    first = create_cf(clerk, company)
    _repaired_and_withdrawn(clerk, first)
    again = create_cf(clerk, company)
    carried = _repair_of(again)
    assert again.pk != first.pk and carried is not None
    assert carried.article == "西安 第三十二条" and f"沿用记录 {first.pk}" in carried.text
    event = AuditEvent.objects.filter(action="records.repair.carry").get()
    assert event.data["records"] == {str(again.pk): first.pk}


def test_a_bulk_batch_carries_it_for_the_same_reference_only(catalogue, clerk, today):
    subjects = OrgSubjectFactory.create_batch(3)
    records_bulk_create(actor=clerk, provider=clerk.organisation, rows=rows_for(subjects), batch_ref="B-1")
    repaired = Record.objects.get(source_ref="西市监罚〔2025〕2号")
    _repaired_and_withdrawn(clerk, repaired)
    records_bulk_create(
        actor=clerk, provider=clerk.organisation, rows=rows_for(subjects[1:2], start=2), batch_ref="B-2"
    )
    new = Record.objects.get(source_ref="西市监罚〔2025〕2号", batch_ref="B-2")
    assert _repair_of(new) is not None
    assert [r.pk for r in Record.objects.filter(annotations__kind=AnnotationKind.REPAIR, status="active")] == [new.pk]


def test_another_provider_or_an_ended_repair_carries_nothing(catalogue, clerk, other_clerk, company, today):
    first = create_cf(clerk, company)
    repair = _repaired_and_withdrawn(clerk, first)
    assert _repair_of(create_cf(other_clerk, company)) is None
    Annotation.objects.filter(pk=repair.pk).update(active=False)
    assert _repair_of(create_cf(clerk, company)) is None
