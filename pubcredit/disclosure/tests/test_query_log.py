"""The query log: entries with retention from the pack, the subject's view, auditors, the purge."""

import datetime as dt

import pytest
import time_machine

from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    SubjectAccountFactory,
)
from pubcredit.core.errors import ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.selectors.query_log import query_log_for_subject, query_log_visible_to
from pubcredit.disclosure.services.query_log import query_log_purge, query_log_write
from pubcredit.disclosure.services.record_views import record_staff_view
from pubcredit.disclosure.staff_reasons import StaffReason
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _bank(**kw):
    return Viewer(
        kind=ViewerKind.AUTHORISED,
        label="某银行西安分行",
        organisation_id=None,
        items=frozenset({"CF"}),
        purpose="贷款审查",
        basis="authorisation:12",
        **kw,
    )


def test_entry_keeps_who_what_why_and_retention_from_the_pack(today, pack, company):
    with pack("dalian"):
        entry = query_log_write(viewer=_bank(), subject=company, item_codes=["CF", "XK", "CF"])
    assert entry.item_codes == ["CF", "XK"]
    assert (entry.viewer_label, entry.purpose, entry.basis, entry.outcome) == (
        "某银行西安分行",
        "贷款审查",
        "authorisation:12",
        "shown",
    )
    assert entry.retain_until == dt.date(2031, 11, 20)
    assert entry.retain_article == "大连 第十八条"
    assert AuditEvent.objects.filter(action="disclosure.query", target_id=str(entry.pk)).exists()


def test_refusals_are_logged_with_the_reason(today, company):
    entry = query_log_write(viewer=_bank(), subject=company, item_codes=["CF"], outcome="refused", reason="授权已过期")
    assert (entry.outcome, entry.reason) == ("refused", "授权已过期")
    with pytest.raises(ValidationFailed, match="查询结果"):
        query_log_write(viewer=_bank(), subject=company, item_codes=["CF"], outcome="maybe")


def test_subject_sees_who_looked_and_why_including_staff(today, company):
    other = SubjectAccountFactory.create().subject
    make_record(company, openness="restricted")
    query_log_write(viewer=_bank(), subject=company, item_codes=["CF"])
    query_log_write(viewer=_bank(), subject=other, item_codes=["CF"])
    operator = OperatorFactory.create()
    record_staff_view(actor=operator, subject=company, reason=StaffReason("complaint", "核查投诉（投诉 7 号）"))
    entries = query_log_for_subject(company)
    assert [(e.viewer_kind, e.purpose) for e in entries] == [
        ("operator", "投诉处理：核查投诉（投诉 7 号）"),
        ("authorised", "贷款审查"),
    ]


def test_visible_to_auditors_and_the_subject_only(today, company):
    account = SubjectAccountFactory.create(subject=company)
    query_log_write(viewer=_bank(), subject=company, item_codes=["CF"])
    query_log_write(viewer=_bank(), subject=SubjectAccountFactory.create().subject, item_codes=["CF"])
    assert query_log_visible_to(AuditorFactory.create()).count() == 2
    assert query_log_visible_to(account).count() == 1
    assert query_log_visible_to(ConsumerClerkFactory.create()).count() == 0


def test_purge_deletes_only_entries_past_retention_and_is_idempotent(company):
    with time_machine.travel(dt.datetime(2020, 3, 1, 10, tzinfo=SHANGHAI), tick=False):
        old = query_log_write(viewer=_bank(), subject=company, item_codes=["CF"])
    with time_machine.travel(dt.datetime(2021, 3, 1, 10, tzinfo=SHANGHAI), tick=False):
        kept = query_log_write(viewer=_bank(), subject=company, item_codes=["CF"])
    assert old.retain_until == dt.date(2025, 3, 1)
    assert query_log_purge(on=dt.date(2025, 3, 1)) == 0
    assert query_log_purge(on=dt.date(2025, 3, 2)) == 1
    assert query_log_purge(on=dt.date(2025, 3, 2)) == 0
    assert list(QueryLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]
