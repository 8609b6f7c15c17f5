"""Early warnings in a real browser: the sweep finds a provider silent past its due date, the
provider's clerk opens the warning from the notice, cannot send it without a note, handles it
with one, and the operator sees it handled.

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
from pubcredit.accounts.tests.factories import OperatorFactory, ProviderClerkFactory
from pubcredit.collection.models import ReportingDuty
from pubcredit.statistics.models import EarlyWarning
from pubcredit.statistics.warning_services import warnings_sweep
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_a_clerk_handles_their_silent_warning_with_a_note(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path]
) -> None:
    clerk: User = ProviderClerkFactory.create()
    operator: User = OperatorFactory.create()
    assert clerk.organisation is not None
    ReportingDuty.objects.create(
        provider=clerk.organisation, item_code="CF", frequency="weekly", next_due_on=dt.date(2026, 10, 9)
    )
    assert warnings_sweep().raised == 1
    warning = EarlyWarning.objects.get()

    sign_in(page, clerk)
    page.goto("/me/notices/")
    expect(page.locator("body")).to_contain_text("逾期未报送目录项 CF")
    page.goto("/statistics/warnings/")
    card = page.locator(f'article[data-warning="{warning.pk}"]')
    expect(card).to_contain_text("逾期未报送目录项 CF")
    expect(card).to_contain_text("报送截止日 2026-10-09 已过")
    screenshot("open")
    card.get_by_role("button", name="标记为已处理").click()  # the browser refuses an empty required note
    assert card.get_by_label("处理说明（必填，不超过 500 字）").evaluate("el => el.validity.valueMissing") is True
    assert EarlyWarning.objects.get().state == "open"
    card.get_by_label("处理说明（必填，不超过 500 字）").fill("已于今日补报本周行政处罚信息")
    card.get_by_role("button", name="标记为已处理").click()
    expect(page.get_by_role("status").first).to_contain_text("已处理预警")
    expect(page.locator(f'article[data-warning="{warning.pk}"]')).to_contain_text("已于今日补报本周行政处罚信息")
    page.get_by_role("button", name="退出").click()

    sign_in(page, operator)
    page.goto("/statistics/warnings/?state=handled")
    expect(page.locator(f'article[data-warning="{warning.pk}"]')).to_contain_text("已处理")
    screenshot("handled")
    assert EarlyWarning.objects.get().handled_by_id == clerk.pk
