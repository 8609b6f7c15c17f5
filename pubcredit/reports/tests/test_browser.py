"""The main path in a real browser: a company's account generates its full report, downloads the
signed PDF, and anyone verifies the number on /verify/ and checks the file there.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import SubjectAccountFactory
from pubcredit.core.crypto import sm3_hex
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.reports.models import Report
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_a_subject_generates_downloads_and_anyone_verifies(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path], tmp_path: Path
) -> None:
    company: User = SubjectAccountFactory.create()
    assert company.subject is not None
    make_record(company.subject, data={"CF_XDR_MC": company.subject.name, "CF_NR": "罚款人民币2万元"})

    sign_in(page, company)
    page.goto("/reports/")
    page.get_by_label("完整版").check()
    page.get_by_label("时间范围起").fill("2024-01-01")
    screenshot("form")
    page.get_by_role("button", name="生成报告").click()

    expect(page.get_by_role("status").first).to_contain_text("已生成信用报告")
    report = Report.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"下载报告 {report.number}").click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF-") and sm3_hex(content) == report.sha
    screenshot("listed")
    page.get_by_role("button", name="退出").click()

    page.goto("/verify/")
    page.get_by_label("报告编号").fill(report.number.lower())
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text(f"报告编号 {report.number} 是本平台生成的信用报告")
    expect(page.get_by_test_id("verify-sm3")).to_have_text(report.sha)
    page.get_by_label("报告文件（PDF）").set_input_files(saved)
    page.get_by_role("button", name="核对").click()
    expect(page.get_by_test_id("file-result")).to_contain_text("文件与平台存档一致")

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(content.replace(b"/Producer", b"/Producex", 1))
    page.get_by_label("报告文件（PDF）").set_input_files(tampered)
    page.get_by_role("button", name="核对").click()
    expect(page.get_by_test_id("file-result")).to_contain_text("文件与平台存档不一致")
    screenshot("tampered")
