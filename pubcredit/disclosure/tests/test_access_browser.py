"""A subject grants an authorisation in a real browser, and the bank's query then works.

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
from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    ConsumerOrganisationFactory,
    SubjectAccountFactory,
)
from pubcredit.disclosure.models.access import Authorisation, AuthorisationState
from pubcredit.disclosure.services.authorisations import authorised_query
from pubcredit.disclosure.tests.factories import make_record
from tests.browser.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[dt.date]:
    moment = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        yield moment.date()


def test_a_subject_grants_an_authorisation_that_the_bank_then_uses(
    on_a_fixed_day: dt.date, page: Page, screenshot: Callable[[str], Path]
) -> None:
    company: User = SubjectAccountFactory.create()
    assert company.subject is not None
    bank = ConsumerOrganisationFactory.create(name="西安银行股份有限公司高新支行")
    restricted = make_record(company.subject, openness="restricted", info_class="supervision", kind="bad")
    make_record(company.subject, openness="restricted", info_class="qualification", kind="good")
    until = on_a_fixed_day + dt.timedelta(days=90)

    sign_in(page, company)
    page.get_by_role("link", name="查询授权").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("查询授权")
    page.get_by_role("link", name="新的授权").click()
    page.get_by_label("被授权单位").select_option(label=bank.name)
    page.get_by_role(
        "checkbox", name=f"测试事项{restricted.item_code}（{restricted.item_code}，非公开（依申请/授权））"
    ).check()
    page.get_by_label("查询用途").fill("贷款审批")
    page.get_by_label("截止日期（含当日）").fill(until.isoformat())
    screenshot("filled")
    page.get_by_role("button", name="确认授权").click()

    expect(page.get_by_role("status").first).to_contain_text("已授权")
    authorisation = Authorisation.objects.get(subject=company.subject)
    row = page.get_by_test_id(f"authorisation-{authorisation.pk}")
    expect(row).to_contain_text(bank.name)
    expect(row).to_contain_text(until.isoformat())
    expect(row.get_by_test_id("authorisation-state")).to_have_text("有效")
    screenshot("granted")

    assert authorisation.state == AuthorisationState.ACTIVE
    assert authorisation.item_codes == [restricted.item_code]
    client = ApiClientFactory.create(organisation=bank, scopes=["query"])
    answer = authorised_query(
        actor=client, subject=company.subject, authorisation_id=authorisation.pk, purpose="贷款审批"
    )
    assert [d.record.pk for d in answer.disclosed] == [restricted.pk]
