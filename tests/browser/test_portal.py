"""The public portal in a real browser: search as you type, subject pages, the catalogue, login."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Browser, Page, Request, expect

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import PASSWORD, OperatorFactory
from pubcredit.portal.forms import ID_NUMBER_REFUSAL
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "110101199003077777"
ALL_DIGIT_USCC = "911100001000012362"
SEARCH_LABEL = "统一社会信用代码或名称关键字"


@pytest.fixture
def sent(page: Page) -> list[str]:
    """Every URL the page requested, to prove what never left the browser."""
    urls: list[str] = []

    def record(request: Request) -> None:
        urls.append(request.url)

    page.on("request", record)
    return urls


@pytest.fixture
def on_a_fixed_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_a_two_character_fragment_finds_the_organisation_as_you_type(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    subject: Subject = OrgSubjectFactory.create(name="西安秦岭智造科技有限公司", district="高新区")
    OrgSubjectFactory.create(name="宝鸡渭河食品有限公司")
    page.goto("/search")
    page.get_by_label(SEARCH_LABEL).fill("秦岭")

    results = page.locator("#search-results")
    expect(results).to_contain_text("找到 1 个")
    expect(results).not_to_contain_text("宝鸡渭河食品有限公司")
    expect(page).to_have_url(re.compile(r"/search\?q=" + re.escape(quote("秦岭"))))
    assert page.locator("h1").count() == 1  # a fragment was swapped in, not a page inside the page
    screenshot("results")

    page.get_by_role("link", name="西安秦岭智造科技有限公司").click()
    expect(page).to_have_url(re.compile(rf"/subjects/{subject.id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("西安秦岭智造科技有限公司")
    expect(page.locator(".pc-facts")).to_contain_text(str(subject.uscc))
    expect(page.locator(".pc-facts")).to_contain_text("高新区")
    screenshot("subject")


def test_an_exact_uscc_from_the_home_page_finds_the_organisation(page: Page) -> None:
    subject: Subject = OrgSubjectFactory.create(name="西安城墙文化旅游有限公司")
    OrgSubjectFactory.create()
    page.goto("/")
    box = page.get_by_label(SEARCH_LABEL)
    box.fill(str(subject.uscc))
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/search\?q={subject.uscc}$"))
    expect(page.locator("#search-results")).to_contain_text("找到 1 个")
    expect(page.get_by_role("link", name="西安城墙文化旅游有限公司")).to_be_visible()


def test_an_all_digit_uscc_is_searched_as_you_type(page: Page) -> None:
    OrgSubjectFactory.create(name="北京老字号食品有限公司", uscc=ALL_DIGIT_USCC)
    page.goto("/search")
    page.get_by_label(SEARCH_LABEL).fill(ALL_DIGIT_USCC)
    expect(page.locator("#search-results")).to_contain_text("北京老字号食品有限公司")


def test_an_id_number_is_refused_in_the_browser_and_never_sent(
    page: Page, sent: list[str], screenshot: Callable[[str], Path]
) -> None:
    page.goto("/search")
    box = page.get_by_label(SEARCH_LABEL)
    box.press_sequentially(ID_NUMBER, delay=30)
    refusal = page.locator("#search-refusal")
    expect(refusal).to_have_text(ID_NUMBER_REFUSAL)
    box.press("Enter")
    page.wait_for_timeout(800)  # longer than the search-as-you-type delay: nothing may go out
    expect(refusal).to_be_visible()
    assert page.url.endswith("/search")
    assert not [url for url in sent if ID_NUMBER[:6] in url]
    screenshot("refused")

    box.fill("秦岭")
    expect(refusal).to_be_hidden()


def test_a_half_typed_id_number_is_not_sent_while_typing(page: Page, sent: list[str]) -> None:
    page.goto("/search")
    page.get_by_label(SEARCH_LABEL).press_sequentially(ID_NUMBER[:12], delay=30)
    page.wait_for_timeout(800)
    assert not [url for url in sent if ID_NUMBER[:6] in url]
    expect(page.locator("#search-refusal")).to_be_hidden()


def test_the_home_page_refuses_an_id_number_before_leaving(page: Page, sent: list[str]) -> None:
    page.goto("/")
    box = page.get_by_label(SEARCH_LABEL)
    box.fill(ID_NUMBER)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#home-refusal")).to_have_text(ID_NUMBER_REFUSAL)
    assert page.url.rstrip("/") == page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]
    assert not [url for url in sent if ID_NUMBER in url]


def test_without_javascript_the_server_refuses_and_drops_the_number_from_the_url(
    browser: Browser, live_server: object
) -> None:
    context = browser.new_context(base_url=str(live_server), java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label(SEARCH_LABEL).fill(ID_NUMBER)
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_role("alert").first).to_have_text(ID_NUMBER_REFUSAL)
        assert page.url.endswith("/search")
        assert ID_NUMBER not in page.content()
    finally:
        context.close()


@pytest.mark.usefixtures("on_a_fixed_day")
def test_the_catalogue_lists_the_seeded_licensing_and_penalty_items(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    call_command("catalog", "seed", stdout=io.StringIO())
    page.goto("/catalog/")
    expect(page.get_by_role("heading", level=1)).to_have_text("公共信用信息目录")
    licensing = page.get_by_role("link", name="行政许可信息")
    penalty = page.get_by_role("link", name="行政处罚信息")
    expect(licensing).to_be_visible()
    expect(penalty).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^资质类"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^监管类"))).to_be_visible()
    screenshot("list")

    penalty.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("行政处罚信息")
    expect(page.locator(".pc-facts")).to_contain_text("不良信息")
    expect(page.get_by_role("cell", name="统一社会信用代码", exact=True).first).to_be_visible()
    screenshot("item")


def test_an_operator_signs_in_and_out(page: Page, screenshot: Callable[[str], Path]) -> None:
    operator: User = OperatorFactory.create()
    page.goto("/")
    page.get_by_role("link", name="登录").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    screenshot("login")
    page.get_by_label("用户名").fill(operator.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("user-display-name")).to_have_text(operator.display_name)
    expect(page.get_by_role("status").first).to_contain_text("您已登录")
    screenshot("signed-in")

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("status").first).to_have_text("您已安全退出。")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    expect(page.get_by_test_id("user-display-name")).to_have_count(0)


def test_a_wrong_password_is_refused_in_chinese(page: Page) -> None:
    operator: User = OperatorFactory.create()
    page.goto("/login/")
    page.get_by_label("用户名").fill(operator.username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")


@pytest.mark.usefixtures("on_a_fixed_day")
def test_no_page_logs_a_javascript_error(page: Page, console_errors: list[str]) -> None:
    call_command("catalog", "seed", stdout=io.StringIO())
    subject: Subject = OrgSubjectFactory.create(name="西安秦岭智造科技有限公司")
    for path in ("/", "/search", "/search?q=秦岭", f"/subjects/{subject.id}/", "/catalog/", "/catalog/XK/", "/login/"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    page.goto("/search")
    page.get_by_label(SEARCH_LABEL).fill("秦岭")
    expect(page.locator("#search-results")).to_contain_text("找到 1 个")
    assert console_errors == []
