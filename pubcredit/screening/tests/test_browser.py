"""The main path in a real browser: a consumer uploads a small XLSX, sees the results, marks a
false match, and downloads the results, which openpyxl opens.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ConsumerClerkFactory
from pubcredit.screening.models import FalseMatch
from pubcredit.screening.tests.conftest import xlsx_bytes
from pubcredit.subjects.tests.factories import OrgSubjectFactory
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consumer_screens_a_list_marks_a_false_match_and_downloads_the_results(
    page: Page, screenshot: Callable[[str], Path], tmp_path: Path
) -> None:
    firm = OrgSubjectFactory.create(name="西安华信科技有限公司")
    OrgSubjectFactory.create(name="陕西秦川物流股份有限公司")
    clerk: User = ConsumerClerkFactory.create()
    listing = tmp_path / "投标人名单.xlsx"
    listing.write_bytes(
        xlsx_bytes(
            [["序号", "单位名称"], [1, "华信科技（西安）有限公司"], [2, "陕西秦川物流股份公司"], [3, "不存在的公司"]]
        )
    )

    sign_in(page, clerk)
    page.goto("/screening/")
    page.get_by_label("名单文件（CSV 或 XLSX）").set_input_files(listing)
    page.get_by_label("业务类型（选填，用于列出适用的措施）").select_option(label="政府采购")
    screenshot("upload")
    page.get_by_role("button", name="开始筛查").click()

    expect(page.get_by_role("status").first).to_contain_text("已完成筛查：共 3 行，匹配 2 行")
    expect(page.get_by_test_id("job-state")).to_have_text("已完成")
    results = page.get_by_test_id("results")
    expect(results.locator("#row-2")).to_contain_text("西安华信科技有限公司")
    expect(results.locator("#row-2")).to_contain_text("匹配")
    expect(results.locator("#row-4")).to_contain_text("无匹配主体")
    screenshot("results")

    page.get_by_role("button", name="第 2 行 西安华信科技有限公司 误匹配").click()
    expect(page.get_by_role("status").first).to_contain_text("已将第 2 行的该匹配标记为误匹配")
    expect(results.locator("#row-2")).to_contain_text("已标记误匹配")
    assert FalseMatch.objects.get().subject_id == firm.pk

    with page.expect_download() as download:
        page.get_by_role("link", name="下载筛查结果（XLSX）").click()
    saved = tmp_path / "结果.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet is not None
    lines = [line for line in sheet.iter_rows(values_only=True) if isinstance(line[0], int)]
    assert [(line[0], line[3]) for line in lines] == [(2, "未匹配"), (3, "匹配"), (4, "未匹配")]
    assert lines[1][4] == "陕西秦川物流股份有限公司"
