"""The overdue sweep: by the stored due date, compare-and-swap, idempotent; the command."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from pubcredit.accounts.tests.factories import OperatorFactory
from pubcredit.core.models import AuditEvent
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
