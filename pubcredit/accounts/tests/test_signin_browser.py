"""An operator binds an authenticator and signs in with a code, in a real browser (which also
reports any Content-Security-Policy violation as a console error)."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pubcredit.accounts import totp
from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import PASSWORD, OperatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password(page: Page, user: User) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _fresh_code(secret: bytes) -> str:
    """A code whose step is not the one used just before (codes are single-use)."""
    now = time.time()
    if now % totp.STEP_SECONDS > totp.STEP_SECONDS - 2:
        time.sleep(2.5)
        now = time.time()
    return totp.totp(secret, now)


def test_an_operator_enrols_then_signs_in_with_a_code(
    page: Page, settings: Any, screenshot: Callable[[str], Path]
) -> None:
    settings.PUBCREDIT_TOTP_GRACE_HOURS = 0
    operator: User = OperatorFactory.create()

    _password(page, operator)
    expect(page).to_have_url(re.compile(r"/login/enrol/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("绑定动态口令")
    text = page.get_by_test_id("totp-secret").inner_text()
    expect(page.get_by_test_id("totp-uri")).to_have_value(re.compile(r"^otpauth://totp/.+secret=" + text))
    screenshot("enrol")
    secret = base64.b32decode(text + "=" * (-len(text) % 8))

    page.get_by_label("验证器显示的6位口令").fill("000000" if totp.totp(secret, time.time()) != "000000" else "111111")
    page.get_by_role("button", name="绑定并登录").click()
    expect(page.get_by_role("alert")).to_contain_text("不正确或已使用过")
    expect(page.get_by_test_id("totp-secret")).to_have_text(text)

    page.get_by_label("验证器显示的6位口令").fill(_fresh_code(secret))
    page.get_by_role("button", name="绑定并登录").click()
    expect(page.get_by_test_id("user-display-name")).to_have_text(operator.display_name)
    page.get_by_role("button", name="退出").click()

    _password(page, operator)
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    screenshot("verify")
    # The step after the one used at enrolment: codes are single-use, and the window (one step
    # either side, for clock drift) accepts the next step's code without waiting for it.
    page.get_by_label("6位动态口令").fill(totp.totp(secret, time.time() + totp.STEP_SECONDS))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_test_id("user-display-name")).to_have_text(operator.display_name)
    expect(page.get_by_role("status").first).to_contain_text("您已登录")
