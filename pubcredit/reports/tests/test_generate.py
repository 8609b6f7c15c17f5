"""Report contents follow the disclosure decision for each viewer (西安 第十七、十九条; 大连
第十二条): the public version holds what the portal shows, the subject's full version holds
everything kept with notes, an authorised requester sees only its items and is told why the rest
is absent. Every report is archived by SM3, audited, and supersedes the previous one of its kind."""

from __future__ import annotations

import datetime as dt

import pytest

from pubcredit.accounts.models import User
from pubcredit.core.audit import AuditEvent
from pubcredit.core.crypto import sm3_hex
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.reports.models import ReportKind
from pubcredit.reports.services import report_generate
from pubcredit.reports.tests.conftest import pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db

SPAN = (dt.date(2024, 1, 1), dt.date(2026, 11, 20))


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
    assert "罚款人民币2万元" in text
    assert "非公开的处罚内容" not in text
    assert "不对社会公开" in text  # the note on what is left out and why
    assert report.viewer_kind == "public"
    assert AuditEvent.objects.filter(action="reports.report.generate", target_id=str(report.pk)).exists()
