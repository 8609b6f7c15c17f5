# ruff: noqa: F811  (the `scene` fixture of test_assessment is imported and requested by name)
"""The assessment archive in a real browser: an operator downloads the workbook, follows the link
to the register, finds the entry and downloads the archived file, byte for byte the same; an
auditor opens the register but not the assessment. The pages run under the content security
policy, so an inline style or script would show up as a console error and fail the test.

Uses the headless-Chromium fixtures of tests/browser and the scene of `test_assessment`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pubcredit.accounts.tests.factories import AuditorFactory
from pubcredit.core.models import AuditEvent
from pubcredit.lists.tests.conftest import decision_storage, seeded_list_types_and_measures  # noqa: F401
from pubcredit.statistics.models import StatisticalReport
from pubcredit.statistics.tests.test_assessment import Scene, scene  # noqa: F401
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_finds_the_downloaded_file_in_the_archive(
    page: Page,
    scene: Scene,
    screenshot: Callable[[str], Path],
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    sign_in(page, scene.operator)
    page.goto("/statistics/assessment/?period=2026-Q3")
    with page.expect_download() as first:
        page.get_by_test_id("download-xlsx").click()
    downloaded = tmp_path / "first.xlsx"
    first.value.save_as(downloaded)

    page.get_by_test_id("archive-link").click()
    expect(page.get_by_role("heading", name="考核报告存档", exact=True)).to_be_visible()
    report = StatisticalReport.objects.get()
    row = page.locator(f'tr[data-report="{report.pk}"]')
    expect(row).to_contain_text(report.number)
    expect(row).to_contain_text("2026年第三季度")
    expect(row.get_by_test_id("supersession")).to_contain_text("现行")
    screenshot("archive")

    with page.expect_download() as archived:
        row.get_by_test_id("archive-download").click()
    again = tmp_path / "archived.xlsx"
    archived.value.save_as(again)
    assert archived.value.suggested_filename == f"assessment-2026-Q3-{report.number}.xlsx"
    assert again.read_bytes() == downloaded.read_bytes()
    assert AuditEvent.objects.filter(action="statistics.statistical_report.download").count() == 1

    page.get_by_label("统计期间").fill("2026-13")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("archive-error")).to_have_text("统计期间“2026-13”无效：月份须为 1 至 12")
    expect(page.get_by_test_id("archive-table")).to_have_count(0)
    # The refused period answers 400 on purpose; Chromium logs any 4xx document as an error.
    expected = [e for e in console_errors if "status of 400" in e and "period=2026-13" in e]
    assert len(expected) == 1
    console_errors.remove(expected[0])


def test_an_auditor_opens_the_register_without_the_assessment_link(page: Page, scene: Scene) -> None:
    sign_in(page, scene.operator)
    page.goto("/statistics/assessment/?period=2026-Q3")
    with page.expect_download():
        page.get_by_test_id("download-pdf").click()
    page.context.clear_cookies()

    sign_in(page, AuditorFactory.create())
    page.goto("/statistics/assessment/archive/")
    expect(page.get_by_test_id("archive-table").locator("tbody tr")).to_have_count(1)
    expect(page.locator('.pc-breadcrumb a[href="/statistics/assessment/"]')).to_have_count(0)
