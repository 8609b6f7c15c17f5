"""Apply and decide under every pack, with real dates; the effect asserted through disclosure."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    OperatorFactory,
    PersonSubjectAccountFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
)
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.notices.models import Notice
from pubcredit.records.models import Annotation, AnnotationKind, Record
from pubcredit.repairs.models import RepairApplication, RepairProof, RepairState
from pubcredit.repairs.services import RepairIneligible, repair_apply, repair_decide
from pubcredit.repairs.tests.conftest import EXE, PNG, at, proof

PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")
TODAY = dt.date(2026, 11, 20)  # a Friday, after the national tiers (2026-04-01)


def sharing(record: Record) -> Viewer:
    return Viewer(kind=ViewerKind.SHARING, label="住建局", organisation_id=999, items=frozenset({record.item_code}))


def owner(record: Record) -> Viewer:
    return Viewer(kind=ViewerKind.SUBJECT, label="本人", subject_id=record.subject_id)


def seen(viewer: Viewer, record: Record, on: dt.date = TODAY) -> Any:
    """The decision for `record` as `viewer` sees the subject on `on`, or None when not listed."""
    for entry in records_disclosed(viewer=viewer, subject=record.subject, on=on):
        if entry.record.pk == record.pk:
            return entry.decision
    return None


def apply(user: User, record: Record, **kwargs: Any) -> RepairApplication:
    kwargs.setdefault("ground", "已于2026年10月足额缴纳罚款并完成整改。")
    kwargs.setdefault("commitment_signed", True)
    kwargs.setdefault("proofs", [proof()])
    return repair_apply(actor=user, record=record, **kwargs)


# --- 西安: 15 WD, withheld after repair ------------------------------------------------------


def test_xian_accepted_repair_stops_publication_and_sharing(pack, applicant, clerk, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 6, 15))
    with pack("xian"), at(TODAY):
        assert seen(PUBLIC, record).shown and seen(sharing(record), record).shown
        application = apply(applicant, record)
        assert application.number == f"XF2026{application.pk:06d}"
        assert (application.received_on, application.decision_due_on) == (TODAY, dt.date(2026, 12, 11))
        assert not application.decision_due_provisional
        assert application.decision_due_basis == "repair.decision_wd = 15（西安 第三十二条）"
        assert application.provider_id == record.provider_id and application.pack == "xian"
        assert application.commitment_text.startswith("本主体郑重承诺") and application.commitment_signed_at
        assert RepairProof.objects.get(application=application).content_type == "application/pdf"
        notice = Notice.objects.get(recipient=clerk)
        assert notice.title == f"新的信用修复申请 {application.number}"
        assert "2026-12-11" in notice.body and applicant.subject.name not in notice.body
        assert seen(PUBLIC, record).shown  # an application alone changes nothing

        decided = repair_decide(actor=clerk, application=application, accept=True, reason="整改到位")
        assert decided.state == RepairState.ACCEPTED and decided.decided_by == clerk
        hold = Annotation.objects.get(pk=decided.hold_annotation_id)
        assert (hold.kind, hold.article, hold.active) == (AnnotationKind.REPAIR, "西安 第三十二条", True)
        public = seen(PUBLIC, record)
        assert public is None or (not public.shown and public.state == "repaired")
        shared = seen(sharing(record), record)
        assert shared is None or not shared.shown
        own = seen(owner(record), record)
        assert own.shown and "已信用修复，不再公开" in own.annotations
        assert Notice.objects.get(recipient=applicant).title == f"信用修复申请 {application.number}：已同意信用修复"
    actions = list(AuditEvent.objects.filter(action__startswith="repairs.").values_list("action", flat=True))
    assert actions == ["repairs.application.apply", "repairs.application.accept"]


def test_xian_severe_record_is_refused_with_the_day_it_becomes_eligible(pack, applicant, bad_record):
    record = bad_record(tier="severe", decided_on=dt.date(2026, 5, 10))
    with pack("xian"), at(TODAY), pytest.raises(RepairIneligible) as refused:
        apply(applicant, record)
    assert refused.value.eligibility.eligible_from == dt.date(2027, 5, 11)
    assert "至 2027-05-10 届满，2027-05-11 起方可申请信用修复" in refused.value.message
    assert not RepairApplication.objects.exists() and not RepairProof.objects.exists()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 09-25 (中秋) and 10-01..10-07 are off; 10-08 works, and so does Saturday 10-10 (调休).
        (dt.date(2026, 9, 24), dt.date(2026, 10, 22)),
        (dt.date(2026, 9, 30), dt.date(2026, 10, 27)),
        # Received on a day off: the count starts with the first working day after it.
        (dt.date(2026, 10, 3), dt.date(2026, 10, 27)),
        (dt.date(2026, 10, 8), dt.date(2026, 10, 28)),
    ],
)
def test_xian_due_date_across_the_national_day_holiday(pack, applicant, bad_record, received, due):
    record = bad_record(tier="general", decided_on=dt.date(2026, 4, 20))
    with pack("xian"), at(received):
        application = apply(applicant, record)
    assert (application.received_on, application.decision_due_on) == (received, due)
    assert not application.decision_due_provisional


def test_xian_due_date_in_a_year_not_yet_published_is_provisional(pack, applicant, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 4, 20))
    with pack("xian"), at(dt.date(2026, 12, 18)):
        application = apply(applicant, record)
    assert (application.decision_due_on, application.decision_due_provisional) == (dt.date(2027, 1, 11), True)


# --- 南通: intentional acts excluded, noted in the database --------------------------------


def test_nantong_non_intentional_repair_is_noted_and_still_disclosed(pack, applicant, clerk, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("nantong"), at(TODAY):
        application = apply(applicant, record, intentional=False)
        assert application.decision_due_on is None
        assert "所在地未规定信用修复决定期限" in application.decision_due_basis
        repair_decide(actor=clerk, application=application, accept=True)
        public = seen(PUBLIC, record)
        assert public.shown and "已信用修复" not in public.annotations  # 南通 第十七条: noted in the database
        assert any(r.key == "repair.after_repair" and r.article == "南通 第十七条" for r in public.reasons)
        assert "已信用修复" in seen(owner(record), record).annotations
        assert seen(sharing(record), record) is None  # sharing ends with the repair (repair.stops_sharing)


def test_nantong_intentional_act_is_refused_without_a_date(pack, applicant, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("nantong"), at(TODAY), pytest.raises(RepairIneligible) as refused:
        apply(applicant, record, intentional=True)
    assert refused.value.eligibility.eligible_from is None
    assert refused.value.message == (
        "不符合信用修复条件：失信行为出于主观故意，不适用信用修复；信用修复只适用于非因主观故意的失信行为"
        "（repair.excluded，南通 第十六条）"
    )


def test_nantong_asks_for_the_declaration(pack, applicant, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("nantong"), at(TODAY), pytest.raises(RepairIneligible, match="须声明失信行为是否出于主观故意"):
        apply(applicant, record)


# --- 元宝山: severe-list subjects excluded, annotated ---------------------------------------


def test_yuanbaoshan_repair_is_annotated_in_the_bad_record(pack, applicant, clerk, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 4, 1), end_date=dt.date(2026, 7, 31))
    with pack("yuanbaoshan"), at(TODAY):
        application = apply(applicant, record)
        repair_decide(actor=clerk, application=application, accept=True)
        public = seen(PUBLIC, record)
        assert public.shown and "已信用修复" in public.annotations
        assert any(r.key == "repair.after_repair" and r.article == "元宝山 第二十九条" for r in public.reasons)


def test_yuanbaoshan_minimum_counts_from_the_end_of_the_act(pack, applicant, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 4, 1), end_date=dt.date(2026, 9, 30))
    with pack("yuanbaoshan"), at(TODAY), pytest.raises(RepairIneligible) as refused:
        apply(applicant, record)
    assert refused.value.eligibility.eligible_from == dt.date(2026, 12, 31)


def test_yuanbaoshan_subject_on_the_severe_list_is_refused(pack, applicant, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with (
        pack("yuanbaoshan"),
        at(TODAY),
        mock.patch("pubcredit.repairs.selectors.subject_on_severe_list", return_value=True),
        pytest.raises(RepairIneligible, match="严重失信主体名单") as refused,
    ):
        apply(applicant, record)
    assert "元宝山 第二十九条" in refused.value.message and refused.value.eligibility.eligible_from is None


# --- 大连 and 韶山: the national baseline -----------------------------------------------------


def test_dalian_withholds_after_repair_under_the_national_default(pack, applicant, clerk, bad_record):
    record = bad_record(tier="severe", decided_on=dt.date(2025, 9, 1), end_date=dt.date(2025, 10, 31))
    with pack("dalian"), at(TODAY):
        application = apply(applicant, record)
        assert application.decision_due_on is None
        decided = repair_decide(actor=clerk, application=application, accept=True)
        public = seen(PUBLIC, record)
        assert public is None or public.state == "repaired"
        assert Annotation.objects.get(pk=decided.hold_annotation_id).article == "平台默认"


def test_dalian_severe_record_waits_from_the_end_of_the_act(pack, applicant, bad_record):
    record = bad_record(tier="severe", decided_on=dt.date(2026, 5, 1), end_date=dt.date(2026, 6, 30))
    with pack("dalian"), at(TODAY), pytest.raises(RepairIneligible) as refused:
        apply(applicant, record)
    assert refused.value.eligibility.eligible_from == dt.date(2027, 7, 1)


def test_shaoshan_general_record_after_three_months(pack, applicant, clerk, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 8, 19))
    with pack("shaoshan"), at(TODAY):
        application = apply(applicant, record)
        repair_decide(actor=clerk, application=application, accept=False, reason="罚款尚未缴清")
        assert seen(PUBLIC, record).shown
    application.refresh_from_db()
    assert (application.state, application.reason, application.hold_annotation_id) == ("rejected", "罚款尚未缴清", None)


def test_shaoshan_general_record_on_the_last_day_is_refused(pack, applicant, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 8, 20))
    with pack("shaoshan"), at(TODAY), pytest.raises(RepairIneligible) as refused:
        apply(applicant, record)
    assert refused.value.eligibility.eligible_from == dt.date(2026, 11, 21)
    assert "至 2026-11-20 届满" in refused.value.message


# --- permissions and bad input -----------------------------------------------------------------


def test_another_subject_cannot_apply(pack, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    stranger = SubjectAccountFactory.create()
    with pack("xian"), at(TODAY), pytest.raises(PermissionDenied, match="不是本主体的信用记录"):
        apply(stranger, record)
    clerk = ProviderClerkFactory.create()
    with pack("xian"), at(TODAY), pytest.raises(PermissionDenied, match="不是信用主体的账号"):
        apply(clerk, record)


def test_another_provider_and_the_centre_cannot_decide(pack, applicant, clerk, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(TODAY):
        application = apply(applicant, record)
        for other in (ProviderClerkFactory.create(), OperatorFactory.create(), applicant):
            with pytest.raises(PermissionDenied, match="谁认定、谁修复，西安 第三十二条"):
                repair_decide(actor=other, application=application, accept=True)
    assert not Annotation.objects.exists()


def test_a_decision_is_final(pack, applicant, clerk, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(TODAY):
        application = apply(applicant, record)
        repair_decide(actor=clerk, application=application, accept=True)
        with pytest.raises(ValidationFailed, match="状态为“已修复”，不能改为“不予修复”"):
            repair_decide(actor=clerk, application=application, accept=False, reason="改判")
        with pytest.raises(RepairIneligible, match="已经信用修复，不能重复申请"):
            apply(applicant, record)


def test_one_open_application_per_record(pack, applicant, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(TODAY):
        first = apply(applicant, record)
        with pytest.raises(RepairIneligible, match=f"已有待决定的信用修复申请 {first.number}"):
            apply(applicant, record)


def test_rejection_needs_a_reason_and_a_new_application_may_follow(pack, applicant, clerk, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(TODAY):
        application = apply(applicant, record)
        with pytest.raises(ValidationFailed, match="须填写不予修复的理由"):
            repair_decide(actor=clerk, application=application, accept=False, reason="  ")
        repair_decide(actor=clerk, application=application, accept=False, reason="材料不全")
        assert apply(applicant, record).state == RepairState.SUBMITTED


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ground": "  "}, "须填写申请理由"),
        ({"ground": "长" * 2001}, "超过上限 2000 个字符"),
        ({"proofs": [proof("病毒.pdf", EXE)]}, "的内容不是 PDF 文件（文件头与扩展名 .pdf 不符）"),
        ({"proofs": [proof("扫描件.pdf", PNG)]}, "的内容是 PNG 图片，与扩展名 .pdf 不符"),
        ({"proofs": [proof("空.pdf", b"")]}, "是空文件"),
        ({"proofs": [proof("a.pdf"), proof("b.pdf")]}, "重复上传"),
        ({"proofs": [proof(f"{i}.png", PNG + bytes([i])) for i in range(6)]}, "最多 5 个文件"),
        ({"proofs": []}, "须上传已履行法定义务、消除不良影响的证明材料"),
        ({"commitment_signed": False}, "须签署信用承诺书"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(pack, applicant, bad_record, kwargs, message):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(TODAY), pytest.raises(ValidationFailed, match=message):
        apply(applicant, record, **kwargs)
    assert not RepairApplication.objects.exists() and not Notice.objects.exists()


def test_accepting_a_withdrawn_record_is_refused(pack, applicant, clerk, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("xian"), at(TODAY):
        application = apply(applicant, record)
        Record.objects.filter(pk=record.pk).update(status="withdrawn")
        with pytest.raises(ValidationFailed, match=r"今天已不符合修复条件.*已不在公开披露中"):
            repair_decide(actor=clerk, application=application, accept=True)
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED


def test_a_person_applies_and_no_message_or_audit_names_the_person(pack, clerk):
    person = PersonSubjectAccountFactory.create()
    subject = person.subject
    record = make_record(subject, tier="general", decided_on=dt.date(2026, 6, 15), by=clerk.organisation)
    with pack("xian"), at(TODAY):
        application = apply(person, record)
        repair_decide(actor=clerk, application=application, accept=True)
        assert "已信用修复" in seen(owner(record), record).annotations  # 西安 第十七条: never public anyway
    texts = [f"{n.title} {n.body} {n.link}" for n in Notice.objects.all()]
    texts += [str(e.data) for e in AuditEvent.objects.filter(action__startswith="repairs.")]
    assert len(texts) == 4
    for text in texts:
        assert subject.name not in text and subject.plain_id_number not in text
        assert f"{record.pk}" in text


def test_yuanbaoshan_subject_listed_after_applying_cannot_be_repaired(pack, applicant, clerk, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    with pack("yuanbaoshan"), at(TODAY):
        application = apply(applicant, record)
        with (
            mock.patch("pubcredit.repairs.selectors.subject_on_severe_list", return_value=True),
            pytest.raises(ValidationFailed, match=r"严重失信主体名单.*元宝山 第二十九条"),
        ):
            repair_decide(actor=clerk, application=application, accept=True)
        rejected = repair_decide(actor=clerk, application=application, accept=False, reason="已列入严重失信主体名单")
    assert rejected.state == RepairState.REJECTED and not Annotation.objects.exists()
