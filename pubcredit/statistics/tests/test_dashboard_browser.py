"""The dashboard in a real browser: an operator signs in, sees every chart drawn, narrows the
figures to one provider and a period, and downloads a chart's workbook.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium; console errors, such as
a content-security-policy refusal of inline content, fail the test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from pubcredit.accounts.tests.factories import OrganisationFactory
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.statistics.dashboard import TOP_ORGANISATIONS
from pubcredit.statistics.rollup import rollup_run
from pubcredit.statistics.tests.conftest import SHANGHAI, TODAY, Personas, Source
from pubcredit.statistics.tests.test_dashboard import CHART_SLUGS
from pubcredit.subjects.tests.factories import OrgSubjectFactory
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_filters_the_dashboard_and_downloads_a_workbook(
    personas: Personas,
    source_rows: Source,
    page: Page,
    screenshot: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=SHANGHAI), tick=True):
        rollup_run()
        sign_in(page, personas.operator)
        page.goto("/statistics/")
        expect(page.get_by_role("heading", level=1)).to_have_text("统计监测")
        expect(page.get_by_test_id("as-of")).to_contain_text("数据截至 2026-03-16")
        for slug in CHART_SLUGS:
            chart = page.get_by_test_id(f"chart-{slug}")
            expect(chart.locator("svg[role=img]")).to_be_visible()
            expect(chart.locator("figcaption")).to_be_visible()
            expect(chart.get_by_role("link", name="下载 XLSX")).to_be_visible()
        collected = page.locator('[data-chart-table="collected"] tbody tr')
        expect(collected).to_have_count(12)
        expect(page.locator('[data-chart-table="providers"] tbody tr')).to_have_count(4)
        bars_before = page.locator('[data-chart="providers"] rect').count()
        screenshot("all-providers")

        page.get_by_label("起始月份").fill("2025-12")
        page.get_by_label("截止月份").fill("2026-01")
        page.get_by_label("单位", exact=True).select_option(label="市场监督管理局")
        page.get_by_role("button", name="统计").click()
        expect(page).to_have_url(
            f"/statistics/?from=2025-12&to=2026-01&provider={source_rows.orgs['market'].pk}&district="
        )
        expect(page.get_by_test_id("filters")).to_contain_text("统计期间：2025-12 至 2026-01；单位：市场监督管理局")
        expect(collected).to_have_count(2)
        expect(page.locator('[data-chart-table="collected"] tbody tr').first).to_contain_text("2025-12")
        providers = page.locator('[data-chart-table="providers"] tbody tr')
        expect(providers).to_have_count(1)
        expect(providers.first).to_contain_text("市场监督管理局")
        # December: one registration record; January: one supervision, one qualification.
        expect(providers.first.locator("td").last).to_have_text("3")
        assert page.locator('[data-chart="providers"] rect').count() < bars_before
        screenshot("one-provider")

        chart = page.get_by_test_id("chart-timeliness")
        with page.expect_download() as info:
            chart.get_by_role("link", name="下载 XLSX").click()
        download = info.value
        assert download.suggested_filename == "timeliness-202512-202601.xlsx"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        sheet = load_workbook(saved).active
        assert sheet is not None
        rows = [row for row in sheet.iter_rows(values_only=True)]
        assert ("单位", "市场监督管理局") in [row[:2] for row in rows]
        header = next(i for i, row in enumerate(rows) if row[0] == "信息提供单位")
        data = dict(zip(rows[header][1:], rows[header + 1][1:], strict=True))
        assert rows[header + 1][0] == "市场监督管理局"
        # In the period: 2026-01-01 (due 01-05) and 2026-01-15 (due 01-20) on time; no batch missing.
        assert data["有报送时限的记录"] == 2
        assert data["按时报送率"] == pytest.approx(1.0)
        assert data["报送行数"] == 10
        assert data["差错率"] == pytest.approx(0.5)


def test_ten_years_and_many_providers_stay_readable(
    personas: Personas, source_rows: Source, page: Page, screenshot: Callable[[str], Path]
) -> None:
    """The longest period thins the month labels; more than TOP_ORGANISATIONS providers are cut
    to the first ones in the figure and listed in full in the table."""
    subject = OrgSubjectFactory.create()
    for n in range(TOP_ORGANISATIONS + 3):
        org = OrganisationFactory.create(
            name=f"西安市长安区第{n + 1}提供单位",
            short_name=f"长安区第{n + 1}提供单位",
            district="长安区",
            is_provider=True,
        )
        for k in range(n % 4 + 1):
            make_record(subject, info_class="judgment", decided_on=dt.date(2017 + n % 8, k + 1, 9), by=org)
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=SHANGHAI), tick=True):
        rollup_run()
        sign_in(page, personas.operator)
        page.goto("/statistics/?from=2016-04&to=2026-03")
        expect(page.get_by_test_id("filters")).to_contain_text("2016-04 至 2026-03")
        expect(page.locator('[data-chart-table="collected"] tbody tr')).to_have_count(120)
        providers = page.get_by_test_id("chart-providers")
        expect(providers.locator("figcaption")).to_contain_text(f"前 {TOP_ORGANISATIONS} 个单位")
        expect(page.locator('[data-chart-table="providers"] tbody tr')).to_have_count(TOP_ORGANISATIONS + 3 + 4)
        labels = page.locator('[data-chart="collected"] text[transform^="rotate(-45"]')
        assert 0 < labels.count() <= 12
        screenshot("ten-years")
