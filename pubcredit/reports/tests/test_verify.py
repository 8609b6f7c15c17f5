"""Verification by number on /verify/ and GET /api/v1/reports/verify/{number}: number, subject
(masked for persons), generation time, SM3 of the archived file, supersession; an uploaded file or
a digest is compared with the archive, so a tampered file is told apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import PersonSubjectAccountFactory
from pubcredit.reports.models import ReportKind
from pubcredit.reports.services import report_generate
from pubcredit.reports.tests.conftest import pdf_bytes

pytestmark = pytest.mark.django_db

SPAN = (dt.date(2024, 1, 1), dt.date(2026, 11, 20))


def test_the_page_confirms_a_report_and_compares_files(today: dt.date, account: User) -> None:
    report = report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])
    content = pdf_bytes(report)
    client = Client()

    page = client.get(f"/verify/{report.number}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert report.number in body and report.sha in body
    assert account.subject is not None and account.subject.name in body
    assert "尚无更新的同类报告" in body

    same = client.post(f"/verify/{report.number}/", {"file": SimpleUploadedFile("r.pdf", content)})
    assert "文件与平台存档一致" in same.content.decode()

    tampered = content.replace(b"/Producer", b"/Producex", 1)
    changed = client.post(f"/verify/{report.number}/", {"file": SimpleUploadedFile("r.pdf", tampered)})
    assert "文件与平台存档不一致" in changed.content.decode()

    typed = client.post(f"/verify/{report.number}/", {"sm3": report.sha.upper()})
    assert "文件与平台存档一致" in typed.content.decode()
    bad = client.post(f"/verify/{report.number}/", {"sm3": "xyz"})
    assert bad.status_code == 400 and "SM3 摘要“xyz”格式不正确" in bad.content.decode()


def test_unknown_numbers_are_not_found(db: None) -> None:
    client = Client()
    for number in ("XY20261120ABCDEFGHJK", "not-a-number", "XY2026"):
        page = client.get(f"/verify/{number}/")
        assert page.status_code == 404
        assert "未找到编号为" in page.content.decode()
    answer = client.get("/api/v1/reports/verify/XY20261120ABCDEFGHJK")
    assert answer.status_code == 404
    assert answer.json()["message"] == "未找到编号为“XY20261120ABCDEFGHJK”的信用报告"


def test_the_lookup_form_leads_to_the_number(db: None) -> None:
    answer = Client().get("/verify/", {"number": " xy20261120abcdefghjk "})
    assert answer.status_code == 302 and answer["Location"] == "/verify/XY20261120ABCDEFGHJK/"


def test_the_api_says_a_report_is_superseded(today: dt.date, account: User) -> None:
    first = report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])
    second = report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])
    third = report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])
    client = Client()

    answer = client.get(f"/api/v1/reports/verify/{first.number}").json()

    assert answer["found"] is True and answer["number"] == first.number
    assert answer["sm3"] == first.sha and answer["kind"] == "full" and answer["kind_label"] == "完整版"
    assert answer["superseded"] is True and answer["superseded_by"] == third.number  # the newest one
    assert answer["matches"] is None
    assert client.get(f"/api/v1/reports/verify/{third.number}").json()["superseded"] is False
    assert client.get(f"/api/v1/reports/verify/{second.number}", {"sm3": first.sha}).json()["matches"] is False
    assert client.get(f"/api/v1/reports/verify/{first.number}", {"sm3": first.sha}).json()["matches"] is True
    bad = client.get(f"/api/v1/reports/verify/{first.number}", {"sm3": "12"})
    assert bad.status_code == 400 and bad.json()["field"] == "sm3"
    page = client.get(f"/verify/{first.number}/").content.decode()
    assert f"已被更新的同类报告 {third.number}" in page


def test_a_persons_name_is_masked(today: dt.date) -> None:
    person: User = PersonSubjectAccountFactory.create()
    subject = person.subject
    assert subject is not None
    report = report_generate(actor=person, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])
    client = Client()

    answer = client.get(f"/api/v1/reports/verify/{report.number}").json()
    page = client.get(f"/verify/{report.number}/").content.decode()

    assert answer["subject_name"] == subject.public_name != subject.name
    assert answer["subject_identifier"] == subject.id_number_masked
    assert subject.name not in page and subject.public_name in page
