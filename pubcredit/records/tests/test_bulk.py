import dataclasses
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pubcredit.accounts.tests.factories import SuperuserFactory
from pubcredit.core.errors import PermissionDenied
from pubcredit.core.models import AuditEvent
from pubcredit.records.models import Record, RecordVersion
from pubcredit.records.services import RecordInput, record_create, records_bulk_create
from pubcredit.records.tests.conftest import cf_data
from pubcredit.records.validation import RecordRejected
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


def rows_for(subjects, *, start=1):
    rows = []
    for n, subject in enumerate(subjects, start=start):
        ref = f"西市监罚〔2025〕{n}号"
        rows.append(
            RecordInput(
                subject=subject,
                item_code="CF",
                source_ref=ref,
                decided_on=dt.date(2025, 5, 6) - dt.timedelta(days=n % 30),
                end_date=None,
                data=cf_data(subject, wsh=ref),
            )
        )
    return rows


def test_a_batch_lands_whole_with_versions_and_one_audit_event(catalogue, clerk, today):
    subjects = OrgSubjectFactory.create_batch(25)
    count = records_bulk_create(actor=clerk, provider=clerk.organisation, rows=rows_for(subjects), batch_ref="B-001")
    assert count == 25
    assert Record.objects.filter(batch_ref="B-001").count() == 25
    assert RecordVersion.objects.filter(version=1, record__batch_ref="B-001").count() == 25
    events = AuditEvent.objects.filter(action="records.batch.create")
    assert events.count() == 1 and events.get().data["count"] == 25
    assert events.get().data["items"] == {"CF": 25}
    assert not AuditEvent.objects.filter(action="records.record.create").exists()
    record = Record.objects.get(source_ref="西市监罚〔2025〕3号")
    assert record.decided_on == dt.date(2025, 5, 3)
    assert record.disclosure_ends_on == dt.date(2028, 5, 3)  # catalogue 36 months, no end date given
    assert record.report_due_on is not None
    assert record.data["CF_NR_FK"] == "2" and record.data["CF_XDR_SHXYM"] == record.subject.uscc
    assert record.disclosure_basis["policy"] == "xian"
    assert record.versions.get().data == record.data


def test_one_bad_row_refuses_the_whole_batch_naming_row_field_and_value(catalogue, clerk, today):
    subjects = OrgSubjectFactory.create_batch(5)
    rows = rows_for(subjects)
    bad = rows[3]
    rows[3] = RecordInput(
        subject=bad.subject,
        item_code="CF",
        source_ref=bad.source_ref,
        decided_on=bad.decided_on,
        data={**bad.data, "CF_JDRQ": "2025年13月1日"},
    )
    with pytest.raises(RecordRejected) as exc:
        records_bulk_create(actor=clerk, provider=clerk.organisation, rows=rows, batch_ref="B-002")
    assert exc.value.message.startswith("第 4 行：字段“处罚决定日期”（CF_JDRQ）的值“2025年13月1日”不是有效日期")
    assert [(p.row, p.field) for p in exc.value.problems] == [(4, "CF_JDRQ")]
    assert exc.value.field == "CF_JDRQ"
    assert not Record.objects.exists() and not RecordVersion.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="records.").exists()


def test_every_bad_row_is_listed_with_the_file_row_numbers(catalogue, clerk, today):
    subjects = OrgSubjectFactory.create_batch(3)
    good = rows_for(subjects)
    rows = [
        RecordInput(**{**good[0].__dict__, "row": 2}),
        RecordInput(**{**good[1].__dict__, "row": 3, "item_code": "NOPE"}),
        RecordInput(**{**good[2].__dict__, "row": 4, "source_ref": good[0].source_ref}),
        RecordInput(**{**good[2].__dict__, "row": 5, "decided_on": dt.date(2030, 1, 1), "source_ref": "X-5"}),
    ]
    with pytest.raises(RecordRejected) as exc:
        records_bulk_create(actor=clerk, provider=clerk.organisation, rows=rows, batch_ref="B-003")
    problems = [(p.row, p.field) for p in exc.value.problems]
    assert problems == [(3, "item_code"), (4, "source_ref"), (5, "decided_on")]
    assert "第 3 行：目录项“NOPE”不存在" in exc.value.message
    assert "第 4 行：来源文号“西市监罚〔2025〕1号”与第 2 行重复" in exc.value.message
    assert "第 5 行：决定日期 2030-01-01 晚于今天" in exc.value.message
    assert not Record.objects.exists()


def test_source_refs_already_stored_are_refused(catalogue, clerk, today):
    subject = OrgSubjectFactory.create()
    first = rows_for([subject])[0]
    record_create(
        actor=clerk,
        provider=clerk.organisation,
        subject=subject,
        item=__import__("pubcredit.catalog.selectors", fromlist=["x"]).catalog_item_get("CF"),
        source_ref=first.source_ref,
        decided_on=first.decided_on,
        data=first.data,
    )
    with pytest.raises(RecordRejected) as exc:
        records_bulk_create(actor=clerk, provider=clerk.organisation, rows=[first], batch_ref="B-004")
    assert "已存在" in exc.value.message and exc.value.problems[0].row == 1
    assert Record.objects.count() == 1


def test_the_number_of_queries_does_not_grow_with_the_batch(catalogue, clerk, today):
    warm = rows_for(OrgSubjectFactory.create_batch(1), start=1000)
    small = rows_for(OrgSubjectFactory.create_batch(10), start=1)
    large = rows_for(OrgSubjectFactory.create_batch(200), start=100)
    records_bulk_create(actor=clerk, provider=clerk.organisation, rows=warm, batch_ref="W")  # roles cached
    with CaptureQueriesContext(connection) as few:
        records_bulk_create(actor=clerk, provider=clerk.organisation, rows=small, batch_ref="S")
    with CaptureQueriesContext(connection) as many:
        records_bulk_create(actor=clerk, provider=clerk.organisation, rows=large, batch_ref="L")

    def reads(ctx):
        return [re.sub(r"\d+", "N", q["sql"])[:80] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]

    # Inserts come in chunks; reads must not grow with the number of rows.
    assert reads(many) == reads(few)
    assert len(reads(few)) <= 9  # including the one for repairs to carry over (records/repair_carry.py)
    assert Record.objects.count() == 211


def test_bulk_permission(catalogue, clerk, other_clerk, today):
    rows = rows_for(OrgSubjectFactory.create_batch(2))
    with pytest.raises(PermissionDenied):
        records_bulk_create(actor=other_clerk, provider=clerk.organisation, rows=rows, batch_ref="B-005")
    assert (
        records_bulk_create(actor=SuperuserFactory.create(), provider=clerk.organisation, rows=rows, batch_ref="X") == 2
    )


def test_history_keeps_its_original_report_date_and_lateness(catalogue, clerk, today):
    subjects = OrgSubjectFactory.create_batch(2)
    on_time, late = rows_for(subjects)
    on_time = dataclasses.replace(on_time, reported_on=on_time.decided_on)
    late = dataclasses.replace(late, reported_on=today)
    records_bulk_create(actor=clerk, provider=clerk.organisation, rows=[on_time, late], batch_ref="H")
    first, second = Record.objects.order_by("pk")
    assert first.reported_on == on_time.decided_on and first.reported_on <= first.report_due_on
    assert second.reported_on == today
    future = dataclasses.replace(
        rows_for(OrgSubjectFactory.create_batch(1), start=50)[0], reported_on=today + dt.timedelta(days=1)
    )
    with pytest.raises(RecordRejected, match="报送日期"):
        records_bulk_create(actor=clerk, provider=clerk.organisation, rows=[future], batch_ref="F")
