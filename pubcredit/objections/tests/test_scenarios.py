"""One objection per pack, from filing to outcome, with real dates across the National Day holiday.

Filed Monday 2026-09-28: 2026-09-25 (Mid-Autumn) and 10-01..10-07 are days off, Saturday 10-10 is
a make-up working day. 韶山's pack was in force 2018-01-23..2020-01-22, so its scenario runs
across the 2019 holiday (10-01..10-07, Sunday 09-29 and Saturday 10-12 worked).
Every due date is asserted, and what the public sees after every step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.notices.models import Notice
from pubcredit.objections.models import ItemResult, ItemState, Objection, ObjectionState, ReviewResult
from pubcredit.objections.selectors import operator_desk, provider_queue, records_sanctions_suspended
from pubcredit.objections.services import (
    Answer,
    CheckAction,
    CheckDecision,
    objection_answer,
    objection_check,
    objection_close,
    objection_disagree,
    objection_file,
    objection_review,
    objections_sweep,
)
from pubcredit.objections.tests.conftest import Parties, evidence, on, public_view
from pubcredit.records.models import Annotation, AnnotationKind, Record, RecordStatus

pytestmark = pytest.mark.django_db

D = dt.date
FILED = D(2026, 9, 28)
SUSPENDED = None  # what public_view returns for a record the public does not see


def _file(parties: Parties, *records: Record, day: dt.date = FILED) -> Objection:
    with on(day):
        return objection_file(
            actor=parties.applicant,
            records=list(records),
            ground="error",
            statement="处罚决定已被撤销，平台仍在公示",
            evidence=[evidence()],
        )


def _item(objection: Objection, record: Record) -> Any:
    return objection.items.get(record=record)


def _topics(user: Any) -> list[str]:
    return list(Notice.objects.filter(recipient=user).order_by("id").values_list("topic", flat=True))


def test_xian_suspended_then_unverifiable_deleted(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    # A consumer received the record in the last six months: it is told of the deletion.
    QueryLogEntry.objects.create(
        viewer_label="住建局",
        viewer_kind="authorised",
        user=parties.other_clerk,
        subject=parties.subject,
        item_codes=[record.item_code],
        retain_until=D(2031, 9, 1),
    )
    assert public_view(parties.subject, record, D(2026, 9, 27)) == ()

    objection = _file(parties, record)
    assert objection.number.startswith("YY2026")
    assert objection.pack == "xian"
    assert objection.state == ObjectionState.CHECKING
    assert objection.check_due_on == D(2026, 9, 30)  # 2 WD, 西安 第二十九条
    assert objection.forward_due_on == D(2026, 10, 10)  # 5 WD: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up)
    assert objection.due_on == objection.check_due_on
    assert objection.total_due_on is None
    assert public_view(parties.subject, record, FILED) is SUSPENDED  # 西安 第三十一条
    assert "objection.received" in _topics(parties.applicant)
    assert "objection.to_check" in _topics(parties.operator)

    with on(D(2026, 9, 30)):
        objection = objection_check(actor=parties.operator, objection=objection)
    item = _item(objection, record)
    assert objection.state == ObjectionState.VERIFYING
    assert item.provider_due_on == D(2026, 10, 20)  # 10 WD from the forward, 西安 第三十条
    assert objection.due_on == D(2026, 10, 20)
    assert [i.pk for i in provider_queue(parties.clerk.organisation_id or 0)] == [item.pk]
    assert "objection.forwarded" in _topics(parties.clerk)
    assert public_view(parties.subject, record, D(2026, 10, 15)) is SUSPENDED

    assert objections_sweep(on=D(2026, 10, 20)).items_flagged == 0  # the last day is still in time

    with on(D(2026, 10, 20)):
        objection_answer(
            actor=parties.clerk, objection=objection, item=item, answer=Answer.UNVERIFIABLE, reason="原始卷宗缺失"
        )
    objection.refresh_from_db()
    item.refresh_from_db()
    record.refresh_from_db()
    assert item.result == ItemResult.UNVERIFIABLE_DELETED  # 西安 第三十一条
    assert record.status == RecordStatus.WITHDRAWN
    assert "无法核实真实性" in record.versions.order_by("-version").first().reason  # type: ignore[union-attr]
    assert objection.state == ObjectionState.ANSWERED
    assert objection.notice_due_on == D(2026, 10, 23)  # 3 WD, 西安 第三十条
    assert objection.due_on == D(2026, 10, 23)
    assert public_view(parties.subject, record, D(2026, 10, 20)) is SUSPENDED  # deleted: gone for good
    assert "objection.record_changed" in _topics(parties.other_clerk)
    assert not Annotation.objects.filter(record=record, active=True).exists()

    with on(D(2026, 10, 23)):
        objection_close(actor=parties.operator, objection=objection, note="已书面告知")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CLOSED
    assert objection.closed_on == D(2026, 10, 23)
    assert objection.due_on is None
    assert "objection.closed" in _topics(parties.applicant)
    assert objections_sweep(on=D(2026, 12, 1)).objections_flagged == 0
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "records.hold.place",
        "objections.objection.file",
        "objections.objection.check",
        "records.record.withdraw",
        "records.hold.lift",
        "objections.item.answer",
        "objections.objection.close",
    ]
    assert [n.topic for n in Notice.objects.filter(recipient=parties.applicant).order_by("id")] == [
        "objection.received",
        "objection.checked",
        "objection.answered",
        "objection.closed",
    ]
    # Notices name records by number and item code, never the subject.
    assert not Notice.objects.filter(body__contains=parties.subject.name).exists()
    assert not Notice.objects.filter(title__contains=parties.subject.name).exists()


def test_nantong_annotated_overdue_provider_stops_query_then_statement(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "nantong"
    confirmed, unverifiable = record_of(), record_of()
    objection = _file(parties, confirmed, unverifiable)
    assert objection.check_due_on == D(2026, 10, 10)  # 5 WD, 南通 第十四条 (10-10 is a make-up Saturday)
    assert objection.forward_due_on == D(2026, 10, 10)  # at once after the check
    assert objection.sanctions_suspended is False
    assert records_sanctions_suspended([confirmed.pk]) == set()  # 南通 第十四条: 不影响…处理
    assert public_view(parties.subject, confirmed, FILED) == ("异议处理中",)  # annotated, still disclosed

    with on(D(2026, 10, 9)):
        objection = objection_check(actor=parties.operator, objection=objection)
    first, second = _item(objection, confirmed), _item(objection, unverifiable)
    assert first.provider_due_on == second.provider_due_on == D(2026, 10, 19)  # 7 WD, 南通 第十四条

    with on(D(2026, 10, 19)):
        objection_answer(
            actor=parties.clerk, objection=objection, item=second, answer=Answer.UNVERIFIABLE, reason="无法调取原件"
        )
    second.refresh_from_db()
    assert second.result == ItemResult.UNVERIFIABLE_ANNOTATED  # 南通 第十四条（三）
    shown = public_view(parties.subject, unverifiable, D(2026, 10, 19))
    assert shown is not None and len(shown) == 1 and shown[0].startswith("附注声明：")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.VERIFYING

    swept = objections_sweep(on=D(2026, 10, 20))
    assert (swept.items_flagged, swept.holds_placed, swept.objections_flagged) == (1, 1, 1)
    assert objections_sweep(on=D(2026, 10, 20)).items_flagged == 0  # idempotent
    assert objections_sweep(on=D(2026, 10, 21)).holds_placed == 0
    objection.refresh_from_db()
    first.refresh_from_db()
    assert first.overdue and objection.escalated and objection.overdue
    assert public_view(parties.subject, confirmed, D(2026, 10, 20)) is SUSPENDED  # stop_query, 南通 第十四条
    assert objection in operator_desk().overdue
    assert "objection.escalated" in _topics(parties.operator)
    assert "objection.provider_overdue" in _topics(parties.clerk)

    with on(D(2026, 10, 21)):
        objection_answer(
            actor=parties.clerk, objection=objection, item=first, answer=Answer.CONFIRMED, reason="经核实无误"
        )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ANSWERED
    assert objection.notice_due_on == D(2026, 10, 21)  # at once
    assert objection.overdue is False
    assert public_view(parties.subject, confirmed, D(2026, 10, 21)) == ()  # both holds lifted

    with on(D(2026, 10, 21)):
        objection_close(actor=parties.operator, objection=objection)
    with on(D(2026, 10, 22)):
        objection_disagree(actor=parties.applicant, objection=objection, text="处罚已经复议撤销")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CLOSED
    shown = public_view(parties.subject, confirmed, D(2026, 10, 22))
    assert shown is not None and "处罚已经复议撤销" in shown[0]  # 南通 第十四条（二）
    assert public_view(parties.subject, unverifiable, D(2026, 10, 22)) is not None


def test_yuanbaoshan_twenty_days_all_in_then_review(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "yuanbaoshan"
    record = record_of()
    objection = _file(parties, record)
    assert objection.total_due_on == D(2026, 10, 30)  # 20 WD, 元宝山 第三十条
    assert objection.check_due_on == objection.forward_due_on == objection.due_on == D(2026, 10, 30)
    assert objection.sanctions_suspended is True  # 元宝山方案 五（八）
    assert records_sanctions_suspended([record.pk]) == {record.pk}
    assert public_view(parties.subject, record, FILED) == ("异议处理中",)

    with on(D(2026, 10, 12)):
        objection = objection_check(actor=parties.operator, objection=objection)
    item = _item(objection, record)
    assert item.provider_due_on == D(2026, 10, 30)  # inside the 20 WD
    forwarded = Notice.objects.get(recipient=parties.clerk, topic="objection.forwarded")
    assert "2026-10-30" in forwarded.body and "元宝山 第三十条" in forwarded.body
    with on(D(2026, 10, 29)):
        objection_answer(actor=parties.clerk, objection=objection, item=item, answer=Answer.CONFIRMED, reason="无误")
    objection.refresh_from_db()
    assert objection.notice_due_on == D(2026, 10, 30)
    assert records_sanctions_suspended([record.pk]) == set()  # verified
    assert public_view(parties.subject, record, D(2026, 10, 29)) == ()
    with on(D(2026, 10, 30)):
        objection_close(actor=parties.operator, objection=objection)

    with on(D(2026, 11, 2)):
        objection_disagree(actor=parties.applicant, objection=objection, text="不服核查结果")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.REVIEW
    assert objection.review_due_on == D(2026, 11, 30)  # 20 WD, 元宝山 第三十一条
    assert objection.due_on == D(2026, 11, 30)
    assert public_view(parties.subject, record, D(2026, 11, 2)) == ("异议处理中",)
    assert "objection.review" in _topics(parties.authority)

    assert objections_sweep(on=D(2026, 11, 30)).objections_flagged == 0
    with on(D(2026, 11, 30)):
        objection_review(actor=parties.authority, objection=objection, result=ReviewResult.UPHELD, reason="维持")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CLOSED
    assert objection.review_result == ReviewResult.UPHELD
    assert public_view(parties.subject, record, D(2026, 11, 30)) == ()
    for party in (parties.applicant, parties.operator, parties.clerk):  # 元宝山 第三十一条: all told
        assert "objection.reviewed" in _topics(party)


def test_dalian_platform_error_corrected_and_provider_correction(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "dalian"
    platform_side, provider_side = record_of(), record_of()
    objection = _file(parties, platform_side, provider_side)
    assert objection.check_due_on == D(2026, 10, 8)  # 3 WD, 大连 第十六条
    assert objection.forward_due_on == D(2026, 10, 8)
    assert public_view(parties.subject, platform_side, FILED) is SUSPENDED  # 大连 第十七条
    assert public_view(parties.subject, provider_side, FILED) is SUSPENDED

    decisions = {
        _item(objection, platform_side).pk: CheckDecision(
            CheckAction.PLATFORM_CORRECT, "入库时处罚内容截断", {"CF_NR": "罚款人民币1万元"}
        )
    }
    with on(D(2026, 10, 8)):
        objection = objection_check(actor=parties.operator, objection=objection, decisions=decisions)
    platform_side.refresh_from_db()
    assert platform_side.version == 2 and platform_side.data["CF_NR"] == "罚款人民币1万元"
    assert public_view(parties.subject, platform_side, D(2026, 10, 8)) == ()
    item = _item(objection, provider_side)
    assert item.provider_due_on == D(2026, 10, 21)  # 10 WD
    assert public_view(parties.subject, provider_side, D(2026, 10, 8)) is SUSPENDED

    with on(D(2026, 10, 21)):
        objection_answer(
            actor=parties.clerk,
            objection=objection,
            item=item,
            answer=Answer.CORRECTED,
            reason="更正处罚金额",
            data={"CF_NR": "罚款人民币5千元"},
        )
    provider_side.refresh_from_db()
    assert provider_side.version == 2
    objection.refresh_from_db()
    assert objection.notice_due_on == D(2026, 10, 23)  # 2 WD, 大连 第十六条
    assert public_view(parties.subject, provider_side, D(2026, 10, 21)) == ()
    with on(D(2026, 10, 23)):
        objection_close(actor=parties.operator, objection=objection)

    # A platform-side error alone: corrected and the applicant told within 2 WD of the check.
    other = record_of()
    second = _file(parties, other, day=D(2026, 9, 30))
    assert second.check_due_on == D(2026, 10, 10)
    with on(D(2026, 10, 9)):
        second = objection_check(
            actor=parties.operator,
            objection=second,
            decisions={_item(second, other).pk: CheckDecision(CheckAction.PLATFORM_WITHDRAW, "已过披露期限")},
        )
    assert second.state == ObjectionState.ANSWERED
    assert second.notice_due_on == D(2026, 10, 12)  # 2 WD: 10-10 (make-up), 10-12
    other.refresh_from_db()
    assert other.status == RecordStatus.WITHDRAWN
    assert public_view(parties.subject, other, D(2026, 10, 9)) is SUSPENDED
    assert objections_sweep(on=D(2026, 10, 13)).objections_flagged == 1
    assert objections_sweep(on=D(2026, 10, 13)).objections_flagged == 0


def test_shaoshan_forward_at_once_five_days_2019(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "shaoshan"
    record = record_of(decided_on=D(2019, 3, 1), tier=None)
    filed = D(2019, 9, 27)
    objection = _file(parties, record, day=filed)
    assert objection.pack == "shaoshan"
    assert objection.check_due_on == objection.forward_due_on == filed  # at once, 韶山 第十五条
    assert public_view(parties.subject, record, filed) == ("异议处理中",)  # national default: annotate

    with on(filed):
        objection = objection_check(actor=parties.operator, objection=objection)
    item = _item(objection, record)
    assert item.provider_due_on == D(2019, 10, 10)  # 5 WD: 09-29 (Sun, worked), 09-30, 10-08, 10-09, 10-10

    assert objections_sweep(on=D(2019, 10, 11)).items_flagged == 1  # escalated, no stop_query
    objection.refresh_from_db()
    assert objection.escalated
    assert not Annotation.objects.filter(record=record, kind=AnnotationKind.OVERDUE).exists()

    with on(D(2019, 10, 11)):
        objection_answer(
            actor=parties.clerk,
            objection=objection,
            item=item,
            answer=Answer.CORRECTED,
            reason="更正",
            data={"CF_NR": "警告"},
        )
    objection.refresh_from_db()
    item.refresh_from_db()
    assert item.state == ItemState.DONE
    assert objection.notice_due_on is None  # 韶山 sets no limit for telling the applicant
    assert public_view(parties.subject, record, D(2019, 10, 11)) == ()
    with on(D(2019, 10, 14)):
        objection_close(actor=parties.operator, objection=objection)


def test_shaoshan_outside_its_trial_period_falls_back_to_national(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "shaoshan"
    objection = _file(parties, record_of())
    assert objection.check_due_on is None and objection.due_on is None  # no national limit
