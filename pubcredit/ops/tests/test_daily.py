"""`pubcredit daily`: every daily job in order, repeatable, the audit chain verified last; a broken
chain fails the run and tells the operators."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from pubcredit.accounts.tests.factories import OperatorFactory, ProviderClerkFactory
from pubcredit.core.audit import audit_record
from pubcredit.core.models import AuditEvent
from pubcredit.core.tests.auditing import audit_erase_permitted
from pubcredit.lists.models import EntryState, ListEntry
from pubcredit.lists.tests.factories import enter
from pubcredit.notices.models import Notice
from pubcredit.ops.daily import JOBS, daily_run
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


def _daily(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("daily", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_every_job_runs_in_order_and_a_second_run_changes_nothing() -> None:
    clerk = ProviderClerkFactory.create()
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        entry = enter(clerk, OrgSubjectFactory.create(), code="watch", decided_on=dt.date(2025, 11, 25))
    code, printed = _daily("--date", "2026-11-25")
    assert code == 0, printed
    lines = printed.splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * len(JOBS)
    assert "Lists sweep for 2026-11-25: 1 entries ended" in printed
    assert lines[-1].split()[1:3] == ["audit", "chain"]
    entry.refresh_from_db()
    assert entry.state == EntryState.ENDED
    code, again = _daily("--date", "2026-11-25")
    assert code == 0 and "0 entries ended" in again
    assert ListEntry.objects.filter(state=EntryState.ENDED).count() == 1


def test_a_broken_audit_chain_fails_the_run_and_tells_the_operators() -> None:
    operator = OperatorFactory.create()
    with transaction.atomic():
        for i in range(3):
            audit_record(actor=None, action=f"test.e{i}", data={"i": i})
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(action="test.e1").update(data={"i": 10})
    results = daily_run(on=dt.date(2026, 11, 20))
    assert [r.label for r in results if not r.ok] == ["audit chain"]
    assert "audit chain broken" in results[-1].output
    told = Notice.objects.get(recipient=operator, topic="ops.daily")
    assert "audit chain" in told.body
    assert _daily("--date", "2026-11-20")[0] == 1
