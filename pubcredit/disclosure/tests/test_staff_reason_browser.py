"""In a real browser: an operator states a reason before the subject page shows withheld records,
and the look is logged with that reason (西安 第三十八条, 元宝山 第二十七条).

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
from pubcredit.accounts.tests.factories import OperatorFactory
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.subjects.tests.factories import OrgSubjectFactory
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_operator_states_a_reason_then_sees_withheld_records(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path]
) -> None:
    company = OrgSubjectFactory.create()
    make_record(company, data={"CF_XDR_MC": company.name, "CF_NR": "罚款人民币2万元"})
    make_record(company, openness="restricted", data={"CF_XDR_MC": company.name, "CF_NR": "约谈整改记录"})
    operator: User = OperatorFactory.create()

    sign_in(page, operator)
    page.goto(f"/subjects/{company.pk}/")
    expect(page.get_by_text("罚款人民币2万元")).to_be_visible()
    expect(page.get_by_text("约谈整改记录")).to_have_count(0)
    page.get_by_label("查询事由类别").select_option(label="异议核查")
    page.get_by_label("事由说明").fill("异议 2026-12 号核查")
    screenshot("reason")
    page.get_by_role("button", name="说明事由并查看").click()
    expect(page.get_by_text("约谈整改记录")).to_be_visible()
    expect(page.get_by_test_id("staff-reason")).to_have_text("查询事由：异议核查：异议 2026-12 号核查")
    screenshot("withheld")
    # The next look at the same subject does not ask again.
    page.reload()
    expect(page.get_by_text("约谈整改记录")).to_be_visible()
    entries = list(QueryLogEntry.objects.filter(subject=company, user=operator))
    assert len(entries) == 2 and {e.purpose for e in entries} == {"异议核查：异议 2026-12 号核查"}
