"""The shared layout in a real browser: header, navigation, footer, focus, small screens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_the_platform_and_a_labelled_search_box(page: Page, screenshot: Callable[[str], Path]) -> None:
    page.goto("/")
    expect(page).to_have_title("首页 - 公共信用信息平台")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.locator(".pc-brand__name")).to_have_text("公共信用信息平台")
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="首页")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_label("统一社会信用代码或名称关键字")).to_be_visible()
    expect(page.get_by_role("link", name="开放接口文档（API）")).to_have_attribute("href", "/api/docs")
    expect(page.locator(".pc-footer")).to_contain_text("主办：信用中心")
    assert page.evaluate("typeof htmx") == "object"
    screenshot("desktop")


def test_the_skip_link_is_the_first_stop_and_visible_on_focus(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0


def test_the_layout_fits_a_phone_screen(page: Page, screenshot: Callable[[str], Path]) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    expect(page.get_by_role("button", name="查询")).to_be_visible()
    screenshot("phone")


def test_the_page_uses_a_cjk_font_that_is_installed(page: Page) -> None:
    page.goto("/")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in family
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '信用')")
