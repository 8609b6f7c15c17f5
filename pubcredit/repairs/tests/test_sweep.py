"""The overdue sweep: by the stored due date, compare-and-swap, idempotent; the command."""

from __future__ import annotations

import datetime as dt
import io
import os

from django.core.management import call_command

from pubcredit.accounts.tests.factories import OperatorFactory
from pubcredit.core.models import AuditEvent
from pubcredit.core.workdays import DayEntry
from pubcredit.core.workdays.services import calendar_year_import
from pubcredit.notices.models import Notice
from pubcredit.repairs.models import RepairApplication
from pubcredit.repairs.services import repair_apply, repair_decide, repairs_sweep
from pubcredit.repairs.tests.conftest import at, proof

RECEIVED = dt.date(2026, 11, 20)
DUE = dt.date(2026, 12, 11)  # 15 working days (西安 第三十二条)


def _apply(applicant, record):
    return repair_apply(actor=applicant, record=record, ground="已缴清罚款", commitment_signed=True, proofs=[proof()])


def test_the_due_day_itself_is_not_overdue_and_a_second_run_does_nothing(pack, applicant, clerk, bad_record):
    operator = OperatorFactory.create()
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"):
        with at(RECEIVED):
            application = _apply(applicant, record)
        assert application.decision_due_on == DUE
        Notice.objects.all().delete()
        assert repairs_sweep(on=DUE).flagged == 0
        with at(DUE + dt.timedelta(days=1)):
            result = repairs_sweep()
        assert (result.on, result.flagged) == (dt.date(2026, 12, 12), 1)
        assert repairs_sweep(on=dt.date(2026, 12, 12)).flagged == 0
        assert repairs_sweep(on=dt.date(2026, 12, 20)).flagged == 0
    application.refresh_from_db()
    assert application.overdue and application.state == "submitted"
    assert application.overdue_since == dt.date(2026, 12, 12)
    assert set(Notice.objects.values_list("recipient_id", flat=True)) == {clerk.pk, operator.pk}
    assert Notice.objects.filter(recipient=clerk).get().title == f"信用修复申请 {application.number} 已逾期未决定"
    assert AuditEvent.objects.filter(action="repairs.application.overdue").count() == 1


def test_decided_and_unlimited_applications_are_never_flagged(pack, applicant, clerk, bad_record):
    decided_record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    open_record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(RECEIVED):
        decided = _apply(applicant, decided_record)
        repair_decide(actor=clerk, application=decided, accept=False, reason="材料不全")
    with pack("nantong"), at(RECEIVED):
        unlimited = repair_apply(
            actor=applicant,
            record=open_record,
            ground="已整改",
            commitment_signed=True,
            proofs=[proof()],
            intentional=False,
        )
    assert unlimited.decision_due_on is None
    assert repairs_sweep(on=dt.date(2027, 6, 1)).flagged == 0
    assert not RepairApplication.objects.filter(overdue=True).exists()


def test_a_late_decision_is_still_possible_and_keeps_the_flag(pack, applicant, clerk, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"):
        with at(RECEIVED):
            application = _apply(applicant, record)
        repairs_sweep(on=dt.date(2026, 12, 14))
        with at(dt.date(2026, 12, 14)):
            decided = repair_decide(actor=clerk, application=application, accept=True)
    assert decided.state == "accepted" and decided.overdue


def test_the_command_sweeps_the_given_day(pack, applicant, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(RECEIVED):
        _apply(applicant, record)
    out = io.StringIO()
    call_command("repairs", "sweep", "--date", "2026-12-14", stdout=out)
    assert "Repairs sweep for 2026-12-14: 1 applications flagged overdue" in out.getvalue()
    out = io.StringIO()
    call_command("repairs", "sweep", "--date", "2026-12-14", stdout=out)
    assert "0 applications flagged overdue" in out.getvalue()


def test_publishing_next_year_makes_a_provisional_due_date_official(
    pack, applicant, bad_record, django_capture_on_commit_callbacks
):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(dt.date(2026, 12, 18)):
        application = _apply(applicant, record)
    assert (application.decision_due_on, application.decision_due_provisional) == (dt.date(2027, 1, 11), True)
    with at(dt.date(2026, 12, 21)), django_capture_on_commit_callbacks(execute=True):
        # A fictional 2027 schedule in which 4 January is a day off too.
        calendar_year_import(
            actor=None,
            year=2027,
            entries=[DayEntry(dt.date(2027, 1, 1), False, "元旦"), DayEntry(dt.date(2027, 1, 4), False, "测试假日")],
        )
    application.refresh_from_db()
    assert (application.decision_due_on, application.decision_due_provisional) == (dt.date(2027, 1, 12), False)
    assert AuditEvent.objects.get(action="repairs.due_recompute").data == {"year": 2027, "changed": 1}


def test_orphaned_proof_files_are_purged_and_referenced_ones_kept(pack, applicant, bad_record, proof_storage):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(RECEIVED):
        application = _apply(applicant, record)
    kept = proof_storage / application.proofs.get().path
    orphan = proof_storage / "repairs" / ("0" * 64)
    fresh = proof_storage / "repairs" / ("1" * 64)
    orphan.write_bytes(b"%PDF-1.7 left behind")
    fresh.write_bytes(b"%PDF-1.7 being written")
    old = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    for path in (kept, orphan):
        os.utime(path, (old, old))
    out = io.StringIO()
    call_command("repairs", "purge-orphans", stdout=out)
    assert "Orphaned repair proof files deleted: 1" in out.getvalue()
    assert kept.exists() and fresh.exists() and not orphan.exists()
    assert AuditEvent.objects.get(action="repairs.orphan_proofs.purge").data == {"purged": 1}


def test_overdue_across_the_national_day_holiday(pack, applicant, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 9, 1))
    with pack("xian"), at(dt.date(2026, 9, 24)):
        application = _apply(applicant, record)
    assert application.decision_due_on == dt.date(2026, 10, 22)
    assert repairs_sweep(on=dt.date(2026, 10, 8)).flagged == 0
    assert repairs_sweep(on=dt.date(2026, 10, 22)).flagged == 0
    assert repairs_sweep(on=dt.date(2026, 10, 23)).flagged == 1
