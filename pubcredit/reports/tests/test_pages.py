"""The pages: a subject generates and downloads its reports, a requester generates within its
authorisation, operators generate public versions and see the archive; others' reports answer
404, pages of roles a user does not hold 403; the certificate is published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
)
from pubcredit.core.audit import AuditEvent
from pubcredit.disclosure.services.authorisations import authorisation_grant
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.reports.models import Report, ReportKind
from pubcredit.reports.services import report_generate
from pubcredit.reports.signing import signing_material
from pubcredit.reports.tests.conftest import pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_subject_generates_every_kind_and_downloads_it(today: dt.date, account: User) -> None:
    client = signed_in(account)
    page = client.get("/reports/")
    assert page.status_code == 200
    assert "信用代证专用版" in page.content.decode()

    answer = client.post(
        "/reports/generate/",
        {
            "kind": "special",
            "span_from": "2024-01-01",
            "span_to": "2026-11-20",
            "special_fields": ["penalty", "criminal"],
        },
    )
    assert answer.status_code == 302
    report = Report.objects.get()
    assert report.kind == ReportKind.SPECIAL and report.fields == ["penalty", "criminal"]
    listed = client.get("/reports/").content.decode()
    assert f"已生成信用报告 {report.number}" in listed
    assert f"下载报告 {report.number}" in listed

    download = client.get(f"/reports/{report.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert f"credit-report-{report.number}.pdf" in download["Content-Disposition"]
    assert download.content == pdf_bytes(report)
    assert AuditEvent.objects.filter(action="reports.report.download", target_id=str(report.pk)).exists()


def test_bad_input_is_refused_by_field_and_nothing_is_made(today: dt.date, account: User) -> None:
    client = signed_in(account)
    answer = client.post("/reports/generate/", {"kind": "full", "span_from": "2026-11-21", "span_to": "2026-11-20"})
    assert answer.status_code == 400
    assert "起始日期 2026-11-21 晚于截止日期 2026-11-20" in answer.content.decode()
    answer = client.post("/reports/generate/", {"kind": "special", "span_from": "2026-01-01", "span_to": "2026-11-20"})
    assert answer.status_code == 400
    assert "信用代证报告须至少选择一个证明事项" in answer.content.decode()
    assert not Report.objects.exists()


def test_another_subjects_report_answers_404(today: dt.date, account: User) -> None:
    report = report_generate(
        actor=account, kind=ReportKind.FULL, span_from=dt.date(2024, 1, 1), span_to=dt.date(2026, 11, 20)
    )
    other = signed_in(SubjectAccountFactory.create())
    assert other.get(f"/reports/{report.pk}/download/").status_code == 404
    assert report.number not in other.get("/reports/").content.decode()
    assert signed_in(ProviderClerkFactory.create()).get(f"/reports/{report.pk}/download/").status_code == 404
    assert Client().get(f"/reports/{report.pk}/download/").status_code == 302  # to the sign-in page


def test_who_sees_which_page(today: dt.date, account: User) -> None:
    assert Client().get("/reports/").status_code == 302
    clerk = signed_in(ProviderClerkFactory.create())
    assert clerk.get("/reports/").status_code == 403
    assert clerk.get("/reports/archive/").status_code == 403
    assert clerk.post("/reports/generate/", {"kind": "public"}).status_code == 403
    assert signed_in(account).get("/reports/archive/").status_code == 403


def test_an_operator_generates_a_public_version_and_sees_the_archive(today: dt.date, account: User) -> None:
    subject = account.subject
    assert subject is not None and subject.uscc
    own = report_generate(
        actor=account, kind=ReportKind.FULL, span_from=dt.date(2024, 1, 1), span_to=dt.date(2026, 11, 20)
    )
    operator = signed_in(OperatorFactory.create())
    form = operator.get("/reports/").content.decode()
    assert "信息主体统一社会信用代码" in form and "信用代证专用版" not in form

    answer = operator.post(
        "/reports/generate/",
        {"kind": "public", "uscc": subject.uscc, "span_from": "2024-01-01", "span_to": "2026-11-20"},
    )
    assert answer.status_code == 302
    made = Report.objects.exclude(pk=own.pk).get()
    assert made.kind == ReportKind.PUBLIC and made.viewer_kind == "public"
    missing = operator.post(
        "/reports/generate/",
        {"kind": "public", "uscc": "91610100MA000000XX", "span_from": "2024-01-01", "span_to": "2026-11-20"},
    )
    assert missing.status_code == 400 and "未找到统一社会信用代码" in missing.content.decode()
    archive = operator.get("/reports/archive/").content.decode()
    assert own.number in archive and made.number in archive
    assert operator.get(f"/reports/{own.pk}/download/").status_code == 200


def test_a_requester_generates_within_its_authorisation(today: dt.date, account: User) -> None:
    subject = account.subject
    assert subject is not None
    record = make_record(subject, openness="restricted", data={"CF_XDR_MC": subject.name, "CF_NR": "授权可见的处罚"})
    banker: User = ConsumerClerkFactory.create()
    before = signed_in(banker).get("/reports/")  # no authorisation yet: told how to get one
    assert before.status_code == 200 and "本单位目前没有有效的查询授权" in before.content.decode()
    assert "按授权生成信用报告" not in before.content.decode()
    authorisation = authorisation_grant(
        actor=account,
        requester_organisation=banker.organisation,
        item_codes=[record.item_code],
        purpose="贷款审批",
        valid_from=today,
        valid_until=today + dt.timedelta(days=10),
    )
    client = signed_in(banker)
    after = client.get("/reports/").content.decode()
    assert "按授权生成信用报告" in after and "本单位目前没有有效的查询授权" not in after
    page = client.get("/reports/authorised/")
    assert page.status_code == 200 and f"授权 {authorisation.pk}" in page.content.decode()

    answer = client.post(
        "/reports/authorised/",
        {"authorisation": authorisation.pk, "span_from": "2024-01-01", "span_to": "2026-11-20", "purpose": "贷款审批"},
    )
    assert answer.status_code == 302
    report = Report.objects.get()
    assert report.viewer_kind == "authorised"
    assert "授权可见的处罚" in pdf_text(client.get(f"/reports/{report.pk}/download/").content)
    refused = client.post(
        "/reports/authorised/",
        {"authorisation": authorisation.pk, "span_from": "2024-01-01", "span_to": "2026-11-20", "purpose": "其他用途"},
    )
    assert refused.status_code == 400
    assert Report.objects.count() == 1
    assert signed_in(ConsumerClerkFactory.create()).get("/reports/authorised/").status_code == 403


def test_the_certificate_is_published(db: None) -> None:
    client = Client()
    page = client.get("/reports/certificate/")
    assert page.status_code == 200
    assert signing_material().fingerprint_sha256 in page.content.decode()
    pem = client.get("/reports/certificate.pem")
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN CERTIFICATE-----")
    assert b"PRIVATE" not in pem.content
