"""Page tests in headless Chromium (Debian's build, never a downloaded one) against a live server.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse database
access from that thread unless async-unsafe calls are allowed; the test code and the live server
never touch the same connection at the same time, so allowing them is safe here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import PASSWORD
from pubcredit.core.tests.auditing import audit_erasable_after_test  # noqa: F401 (a fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("PUBCREDIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (run scripts/system-packages)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def browser_audit_erasable(audit_erasable_after_test: None) -> None:  # noqa: F811
    """Pages commit audit events (sign-ins, catalogue seeding) that the database reset must remove."""


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the page logged to the console or threw; every browser test ends with none."""
    return []


@pytest.fixture
def page(
    browser: Browser, live_server: object, console_errors: list[str], browser_audit_erasable: None
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=str(live_server),
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(10_000)
    opened = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: console_errors.append(str(error)))
    yield opened
    context.close()
    assert console_errors == [], "the page logged JavaScript errors"


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """Save a full-page screenshot to var/screenshots/<test>-<label>.png for looking at by eye."""

    def take(label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{request.node.name}-{label}").strip("-")
        path = SCREENSHOTS / f"{stem}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page: Page, user: User) -> None:
    """Sign in through the portal's form, as a person would, and wait for the greeting."""
    page.goto("/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("user-display-name")).to_have_text(user.display_name)
