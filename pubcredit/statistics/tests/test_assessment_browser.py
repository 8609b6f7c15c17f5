"""The assessment page in a real browser: the authority picks a quarter and a district, reads the
table, is told in Chinese what is wrong with a bad period, and downloads the PDF and the workbook
(each download audited). The page runs under the content security policy, so an inline style or
script would show up as a console error and fail the test.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail) and
the scene of `test_assessment` (figures for 2026-Q3, rolled up on 2026-10-15).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from pubcredit.core.models import AuditEvent
from pubcredit.lists.tests.conftest import decision_storage, seeded_list_types_and_measures  # noqa: F401
from pubcredit.statistics.tests.test_assessment import Scene, scene  # noqa: F401
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_authority_reads_the_quarter_and_downloads_both_files(
    page: Page,
    scene: Scene,  # noqa: F811
    screenshot: Callable[[str], Path],
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    sign_in(page, scene.authority)
    page.goto("/statistics/assessment/")
    page.get_by_label("统计期间").fill("2026-Q3")
    page.get_by_label("区县").select_option(label="全部")
    page.get_by_role("button", name="查看").click()

    table = page.get_by_test_id("assessment-table")
    expect(page.get_by_role("heading", name="2026年第三季度")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(3)
    first = table.locator(f'tr[data-organisation="{scene.first.pk}"]')
    expect(first.locator('[data-indicator="on_time"]')).to_contain_text("75.0%")
    expect(first.locator('[data-indicator="wrong"]')).to_contain_text("50.0%")
    expect(table.locator(f'tr[data-organisation="{scene.third.pk}"] [data-indicator="on_time"]')).to_contain_text("—")
    screenshot("quarter")

    page.get_by_label("区县").select_option(label="碑林区")
    page.get_by_role("button", name="查看").click()
    expect(table.locator("tbody tr")).to_have_count(1)

    with page.expect_download() as pdf:
        page.get_by_test_id("download-pdf").click()
    saved = tmp_path / "考核.pdf"
    pdf.value.save_as(saved)
    document = pdfium.PdfDocument(saved.read_bytes())
    try:
        assert "=丙局" in document[0].get_textpage().get_text_range()
    finally:
        document.close()

    with page.expect_download() as xlsx:
        page.get_by_test_id("download-xlsx").click()
    book = tmp_path / "考核.xlsx"
    xlsx.value.save_as(book)
    names = [row[1] for row in load_workbook(book)["考核情况"].iter_rows(values_only=True) if row and row[0] == "—"]
    assert names == ["'=丙局"]

    events = AuditEvent.objects.filter(action="statistics.assessment_download").order_by("seq")
    assert [(e.data["format"], e.data["period"], e.data["district"]) for e in events] == [
        ("pdf", "2026-Q3", "碑林区"),
        ("xlsx", "2026-Q3", "碑林区"),
    ]

    page.get_by_label("统计期间").fill("2026-Q5")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("assessment-error")).to_have_text("统计期间“2026-Q5”无效：季度须为 Q1 至 Q4")
    expect(page.get_by_test_id("assessment-table")).to_have_count(0)
    screenshot("bad-period")
    # The refused period answers 400 on purpose; Chromium logs any 4xx document as an error.
    expected = [e for e in console_errors if "status of 400" in e and "period=2026-Q5" in e]
    assert len(expected) == 1
    console_errors.remove(expected[0])
