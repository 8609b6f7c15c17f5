"""In a real browser: an operator asks for an export of persons' records, a second operator
approves it, and the requester downloads the XLSX (ID numbers masked).

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import OperatorFactory, ProviderOrganisationFactory
from pubcredit.disclosure.models.export_request import ExportRequest, ExportState
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.subjects.tests.factories import PersonSubjectFactory
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def test_request_then_a_second_operator_approves_then_the_requester_downloads(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path]
) -> None:
    bureau = ProviderOrganisationFactory.create(name="西安市人力资源和社会保障局")
    person: Any = PersonSubjectFactory.create(name="王五")
    make_record(person, by=bureau, openness="restricted", decided_on=dt.date(2026, 10, 12))
    requester: User = OperatorFactory.create()
    approver: User = OperatorFactory.create()

    sign_in(page, requester)
    page.goto("/disclosure/staff/exports/")
    page.get_by_role("link", name="申请导出").click()
    page.get_by_label("主体类型").select_option(label="自然人")
    page.get_by_label("信息提供单位").select_option(label=bureau.name)
    page.get_by_label("决定日期自").fill("2026-10-01")
    page.get_by_label("决定日期至（含当日）").fill("2026-10-31")
    page.get_by_label("导出事由类别").select_option(label="投诉处理")
    page.get_by_label("事由说明").fill("投诉 2026-77 号涉及人员核查")
    screenshot("filled")
    page.get_by_role("button", name="提交导出申请").click()
    expect(page.get_by_role("status").first).to_contain_text("待另一名工作人员审批")
    expect(page.get_by_test_id("export-state")).to_have_text("待审批")
    expect(page.get_by_role("button", name="批准导出")).to_have_count(0)
    expect(page.get_by_role("button", name="下载导出文件（XLSX）")).to_have_count(0)
    export = ExportRequest.objects.get()
    sign_out(page)

    sign_in(page, approver)
    page.goto("/disclosure/staff/exports/")
    page.get_by_role("link", name=f"导出申请 {export.pk}").click()
    page.get_by_label("审批意见（可选）").fill("与投诉核查相符")
    page.get_by_role("button", name="批准导出").click()
    expect(page.get_by_role("status").first).to_contain_text("已批准")
    expect(page.get_by_test_id("export-state")).to_have_text("已批准，可下载")
    expect(page.get_by_role("button", name="下载导出文件（XLSX）")).to_have_count(0)
    screenshot("approved")
    sign_out(page)

    sign_in(page, requester)
    page.goto(f"/disclosure/staff/exports/{export.pk}/")
    with page.expect_download() as caught:
        page.get_by_role("button", name="下载导出文件（XLSX）").click()
    download = caught.value
    assert download.suggested_filename == f"信用记录导出-{export.pk}.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(book["信用记录"].iter_rows(values_only=True))
    assert [(row[2], row[3]) for row in rows[1:]] == [("王五", person.id_number_masked)]
    export.refresh_from_db()
    assert (export.state, export.downloads, export.decided_by_id) == (ExportState.DOWNLOADED, 1, approver.pk)
    page.reload()
    expect(page.get_by_test_id("export-state")).to_have_text("已下载")
