"""Report contents follow the disclosure decision for each viewer (西安 第十七、十九条; 大连
第十二条): the public version holds what the portal shows, the subject's full version holds
everything kept with notes, an authorised requester sees only its items and is told why the rest
is absent. Every report is archived by SM3, audited, and supersedes the previous one of its kind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    ConsumerOrganisationFactory,
    OperatorFactory,
    PersonSubjectAccountFactory,
    SubjectAccountFactory,
)
from pubcredit.core.audit import AuditEvent
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.disclosure.services.authorisations import authorisation_grant
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.lists.tests.factories import enter
from pubcredit.repairs.models import RepairApplication
from pubcredit.reports.models import Report, ReportKind
from pubcredit.reports.rules import NOT_FOUND
from pubcredit.reports.services import report_generate
from pubcredit.reports.tests.conftest import item_with_code, pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db

SPAN = (dt.date(2024, 1, 1), dt.date(2026, 11, 20))


def _text(report: Report) -> str:
    return pdf_text(pdf_bytes(report))


def test_public_version_holds_only_what_the_portal_shows(today: dt.date, account: User) -> None:
    subject = account.subject
    assert subject is not None
    make_record(subject, openness="public", data={"CF_XDR_MC": subject.name, "CF_NR": "罚款人民币2万元"})
    make_record(subject, openness="restricted", data={"CF_XDR_MC": subject.name, "CF_NR": "非公开的处罚内容"})

    report = report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])

    content = pdf_bytes(report)
    text = pdf_text(content)
    assert report.sha == sm3_hex(content)
    assert report.number in text
    assert subject.name in text and (subject.uscc or "?") in text
    assert "罚款人民币2万元" in text
    assert "非公开的处罚内容" not in text
    assert "不对社会公开" in text  # the note on what is left out and why
    assert "西安 第三十一条" in text  # objections suspend disclosure under 西安
    assert report.viewer_kind == "public"
    assert AuditEvent.objects.filter(action="reports.report.generate", target_id=str(report.pk)).exists()


def test_full_version_holds_restricted_records_marked_and_the_open_procedures(
    today: dt.date, account: User, clerk: User
) -> None:
    subject = account.subject
    assert subject is not None and clerk.organisation is not None
    restricted = make_record(
        subject,
        openness="restricted",
        by=clerk.organisation,
        data={"CF_XDR_MC": subject.name, "CF_NR": "非公开的处罚内容"},
    )
    RepairApplication.objects.create(
        number="XF2026000042",
        subject=subject,
        applicant=account,
        record=restricted,
        provider=clerk.organisation,
        ground="已缴清罚款",
        commitment_text="承诺",
        commitment_signed_at=timezone.now(),
        received_on=today,
        pack="xian",
    )

    report = report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])

    text = _text(report)
    assert "非公开的处罚内容" in text
    assert "非公开信息" in text  # the record is marked as not public
    assert "XF2026000042" in text  # the repair in progress
    assert "没有正在办理的异议申请" in text
    assert report.viewer_kind == "subject"


def test_authorised_requester_sees_only_granted_items_and_is_told_why(today: dt.date, account: User) -> None:
    subject = account.subject
    assert subject is not None
    granted = make_record(subject, openness="restricted", data={"CF_XDR_MC": subject.name, "CF_NR": "授权范围内的处罚"})
    withheld = make_record(
        subject,
        openness="restricted",
        info_class="qualification",
        kind="good",
        data={"CF_XDR_MC": subject.name, "CF_NR": "授权范围外的资质"},
    )
    bank = ConsumerOrganisationFactory.create(name="西安银行测试支行")
    banker = User.objects.create_user(username="banker", password="x", display_name="银行信贷员", organisation=bank)
    authorisation = authorisation_grant(
        actor=account,
        requester_organisation=bank,
        item_codes=[granted.item_code],
        purpose="贷款审批",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
    )

    report = report_generate(
        actor=banker,
        kind=ReportKind.FULL,
        span_from=SPAN[0],
        span_to=SPAN[1],
        subject=subject,
        authorisation_id=authorisation.pk,
        purpose="贷款审批",
    )

    text = _text(report)
    assert "授权范围内的处罚" in text
    assert "授权范围外的资质" not in text
    assert f"不在授权范围内，不予载明：{withheld.item.name}（{withheld.item_code}）" in text
    assert "西安银行测试支行" in text and "贷款审批" in text
    assert report.viewer_kind == "authorised"
    assert report.authorisation_id == authorisation.pk
    assert report.requester_organisation_id == bank.pk

    with pytest.raises(PermissionDenied):  # another purpose than the one authorised (大连 第十二条)
        report_generate(
            actor=banker,
            kind=ReportKind.FULL,
            span_from=SPAN[0],
            span_to=SPAN[1],
            subject=subject,
            authorisation_id=authorisation.pk,
            purpose="招聘背景调查",
        )
    assert Report.objects.count() == 1


def test_a_persons_public_version_holds_no_records_and_says_why_under_xian(today: dt.date) -> None:
    person: User = PersonSubjectAccountFactory.create()
    assert person.subject is not None
    make_record(person.subject, openness="public", data={"CF_XDR_MC": "张三", "CF_NR": "个人的公开处罚"})

    report = report_generate(actor=person, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])

    text = _text(report)
    assert "个人的公开处罚" not in text
    assert "自然人的信用信息属非公开信息" in text and "西安 第十七条" in text
    assert person.subject.id_number_masked in text
    assert person.subject.public_name in text and person.subject.name not in text


def test_special_report_prints_no_record_found_for_each_empty_field(today: dt.date, account: User, clerk: User) -> None:
    subject = account.subject
    assert subject is not None
    item = item_with_code("CF", "行政处罚信息")
    make_record(subject, by=clerk.organisation)  # another item: not one of the chosen fields
    from pubcredit.records.models import Record

    penalty = make_record(subject, by=clerk.organisation, data={"CF_XDR_MC": subject.name, "CF_NR": "警告"})
    Record.objects.filter(pk=penalty.pk).update(item=item, item_code="CF")

    report = report_generate(
        actor=account,
        kind=ReportKind.SPECIAL,
        span_from=SPAN[0],
        span_to=SPAN[1],
        fields=["criminal", "penalty", "severe_list", "compulsion"],
    )

    text = _text(report)
    assert report.fields == ["penalty", "compulsion", "severe_list", "criminal"]  # fixed order
    assert "行政处罚信息（CF）" in text and "警告" in text
    compact = text.replace(" ", "")
    assert f"1.行政处罚{NOT_FOUND}" not in compact
    for line in ("2.行政强制", "3.严重失信主体名单", "4.刑事判决"):
        assert f"{line}{NOT_FOUND}" in compact
    assert "信用代证专用版" in text
    assert "测试事项" not in text  # records of fields not chosen are left out

    with pytest.raises(ValidationFailed, match="证明事项“tax”不存在"):
        report_generate(actor=account, kind=ReportKind.SPECIAL, span_from=SPAN[0], span_to=SPAN[1], fields=["tax"])
    with pytest.raises(ValidationFailed, match="至少选择一个"):
        report_generate(actor=account, kind=ReportKind.SPECIAL, span_from=SPAN[0], span_to=SPAN[1], fields=[])


def test_special_report_shows_a_severe_list_entry(today: dt.date, account: User, clerk: User) -> None:
    subject = account.subject
    assert subject is not None
    basis = make_record(subject, by=clerk.organisation)
    entry = enter(clerk, subject, records=[basis], decided_on=today)

    report = report_generate(
        actor=account, kind=ReportKind.SPECIAL, span_from=SPAN[0], span_to=SPAN[1], fields=["severe_list"]
    )

    text = _text(report)
    assert entry.decision_number in text
    assert f"严重失信主体名单{NOT_FOUND}" not in text.replace(" ", "")


def test_the_span_limits_good_and_bad_records_and_is_checked(today: dt.date, account: User) -> None:
    subject = account.subject
    assert subject is not None
    make_record(subject, decided_on=dt.date(2023, 5, 1), data={"CF_XDR_MC": subject.name, "CF_NR": "早于范围的处罚"})
    make_record(subject, decided_on=dt.date(2025, 5, 1), data={"CF_XDR_MC": subject.name, "CF_NR": "范围内的处罚"})

    report = report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])
    text = _text(report)
    assert "范围内的处罚" in text and "早于范围的处罚" not in text

    with pytest.raises(ValidationFailed, match="晚于截止日期"):
        report_generate(actor=account, kind=ReportKind.FULL, span_from=dt.date(2026, 1, 2), span_to=dt.date(2026, 1, 1))
    with pytest.raises(ValidationFailed, match="晚于今天"):
        report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=today + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="报告版本“draft”不存在"):
        report_generate(actor=account, kind="draft", span_from=SPAN[0], span_to=SPAN[1])
    assert Report.objects.count() == 1


def test_a_newer_report_of_the_same_kind_supersedes_the_older(today: dt.date, account: User) -> None:
    first = report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])
    full = report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])
    second = report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])

    first.refresh_from_db()
    full.refresh_from_db()
    assert first.superseded_by_id == second.pk
    assert full.superseded_by_id is None  # another kind
    assert second.superseded_by_id is None
    assert first.number != second.number


def test_who_may_generate(today: dt.date, account: User) -> None:
    other: User = SubjectAccountFactory.create()
    assert other.subject is not None and account.subject is not None
    with pytest.raises(NotFound):  # another subject's report answers like a missing subject
        report_generate(
            actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1], subject=other.subject
        )
    operator: User = OperatorFactory.create()
    with pytest.raises(PermissionDenied):  # operators: the public version only
        report_generate(actor=operator, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1], subject=other.subject)
    public = report_generate(
        actor=operator, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1], subject=other.subject
    )
    assert public.subject_id == other.subject.pk and public.generated_by_id == operator.pk
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        report_generate(
            actor=AnonymousUser(), kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1], subject=other.subject
        )


def test_list_status_shows_unpublished_lists_to_the_subject_only(today: dt.date, account: User, clerk: User) -> None:
    subject = account.subject
    assert subject is not None
    basis = make_record(subject, by=clerk.organisation)
    watch = enter(clerk, subject, code="watch", records=[basis], decided_on=today, decision_number="关注〔2026〕7号")
    severe = enter(clerk, subject, records=[basis], decided_on=today, decision_number="认定〔2026〕8号")

    full = _text(report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1]))
    public = _text(report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1]))

    assert watch.decision_number in full and severe.decision_number in full
    assert severe.decision_number in public  # published (lists.published_kinds)
    assert watch.decision_number not in public  # the watch list is shared between departments only
