"""The joint reward and sanction loop in a real browser (元宝山方案 五（一）): a department enters a
subject on the severe list with its repair notice, the implementing department feeds back from its
queue, another department checks the subject inside its procedure and reports what it did, and the
initiator sees the loop closed.

Uses the headless-Chromium fixtures of tests/browser (Debian's Chromium, console errors fail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ConsumerClerkFactory, ProviderClerkFactory
from pubcredit.lists.models import ListEntry
from pubcredit.measures.models import CheckOutcome, CreditCheck, Measure, MeasureTask, TaskState
from pubcredit.subjects.tests.factories import OrgSubjectFactory
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with (
        override_settings(PUBCREDIT_POLICY="yuanbaoshan"),
        time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True),
    ):
        yield


def test_enter_feed_back_check_and_see_the_loop_closed(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path]
) -> None:
    issuer: User = ProviderClerkFactory.create()
    implementer: User = ConsumerClerkFactory.create()
    checker: User = ConsumerClerkFactory.create()
    Measure.objects.filter(code="B05").update(department=implementer.organisation)
    company = OrgSubjectFactory.create()

    sign_in(page, issuer)
    page.get_by_role("link", name="红黑名单").click()
    page.get_by_role("link", name="认定列入名单").click()
    page.get_by_label("名单类型").select_option(label="严重失信主体名单")
    page.get_by_label("主体统一社会信用代码或身份证号码").fill(company.uscc or "")
    page.get_by_label("认定决定书文号").fill("元市监信认〔2026〕8号")
    page.get_by_label("认定日期").fill("2026-11-19")
    page.get_by_label("列入事由").fill("拒不履行生效行政处罚决定")
    expect(page.locator("form.pc-form")).to_contain_text("两书同达")  # the repair notice goes with the decision
    page.get_by_label("信用修复告知书").fill("履行处罚决定后，可通过平台申请信用修复。")
    page.get_by_role("button", name="提交认定").click()
    entry = ListEntry.objects.get()
    expect(page.get_by_test_id("entry-number")).to_have_text(entry.number or "")
    expect(page.get_by_test_id("entry-tasks")).to_contain_text(implementer.organisation.name)  # type: ignore[union-attr]
    screenshot("entered")
    page.get_by_role("button", name="退出").click()

    sign_in(page, implementer)
    page.get_by_role("link", name="联合奖惩任务").click()
    task = MeasureTask.objects.get()
    card = page.locator(f'article[data-task="{task.pk}"]')
    expect(card).to_contain_text("限制参与有关公共资源交易活动")
    card.get_by_label("执行情况").select_option(label="已实施")
    card.get_by_label("实施日期").fill("2026-11-20")
    card.get_by_label("说明（不适用时须写明理由）").fill("已在交易系统中限制其投标")
    screenshot("queue")
    card.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_role("status").first).to_contain_text("已反馈")
    page.get_by_role("button", name="退出").click()

    sign_in(page, checker)
    page.get_by_role("link", name="信用核查").click()
    page.get_by_label("主体统一社会信用代码或身份证号码").fill(company.uscc or "")
    page.get_by_label("业务类型").select_option(label="招标投标")
    page.get_by_label("本部门业务编号").fill("ZB-2026-0412")
    page.get_by_role("button", name="核查").click()
    expect(page.get_by_test_id("check-lists")).to_contain_text("严重失信主体名单")
    expect(page.get_by_test_id("key-supervision")).to_contain_text("是")
    expect(page.get_by_test_id("check-measures").locator("li").first).to_contain_text("【强制】")
    screenshot("check")
    page.get_by_role("combobox", name="执行情况").select_option(label="已按核查结果实施措施")
    page.get_by_label("限制参与有关公共资源交易活动").check()
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_test_id("check-outcome")).to_contain_text("已按核查结果实施措施")
    page.get_by_role("button", name="退出").click()

    sign_in(page, issuer)
    page.get_by_role("link", name="奖惩反馈情况").click()
    expect(page.locator(f'tr[data-entry="{entry.pk}"]').get_by_test_id("loop-state")).to_have_text("已闭环")
    screenshot("loops")

    task.refresh_from_db()
    check = CreditCheck.objects.get()
    assert task.state == TaskState.APPLIED and task.applied_on == dt.date(2026, 11, 20)
    assert (check.outcome, check.applied_measures) == (CheckOutcome.APPLIED, ["B05"])
