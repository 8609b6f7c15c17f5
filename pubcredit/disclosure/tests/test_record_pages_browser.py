"""In a real browser: the public subject page shows a public record and not a restricted one;
the subject's own record page shows both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import PASSWORD, SubjectAccountFactory
from pubcredit.disclosure.tests.factories import make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_public_page_hides_restricted_record_that_the_subject_sees(
    on_a_fixed_day: None, page: Page, screenshot: Callable[[str], Path]
) -> None:
    account: User = SubjectAccountFactory.create()
    subject = account.subject
    assert subject is not None
    make_record(subject, data={"CF_XDR_MC": subject.name, "CF_NR": "罚款人民币2万元"})
    make_record(subject, openness="restricted", data={"CF_XDR_MC": subject.name, "CF_NR": "约谈整改记录"})

    page.goto(f"/subjects/{subject.pk}/")
    expect(page.get_by_text("罚款人民币2万元")).to_be_visible()
    expect(page.get_by_text("约谈整改记录")).to_have_count(0)
    screenshot("public")

    page.goto("/login/")
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="我的信用记录").click()
    expect(page.get_by_role("heading", level=1, name="我的信用记录")).to_be_visible()
    expect(page.get_by_text("罚款人民币2万元")).to_be_visible()
    expect(page.get_by_text("约谈整改记录")).to_be_visible()
    expect(page.get_by_text("非公开信息")).to_be_visible()
    screenshot("own")
    page.get_by_role("link", name="查看谁查询过我的信用记录").click()
    expect(page.get_by_role("cell", name="本人查询", exact=True)).to_be_visible()
