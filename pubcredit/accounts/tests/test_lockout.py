"""Lock-out after repeated failed sign-ins, through the sign-in page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from pubcredit.accounts.models import LoginThrottle
from pubcredit.accounts.tests.factories import PASSWORD, AuditorFactory, OperatorFactory, ProviderClerkFactory
from pubcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)


def _post(client: Client, username: str, password: str) -> str:
    response = client.post("/login/", {"username": username, "password": password})
    return response.content.decode() if response.status_code == 200 else ""


def _alert(page: str) -> str:
    return re.search(r'role="alert">(.*?)</div>', page, re.S).group(1)  # type: ignore[union-attr]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_name_for_fifteen_minutes_even_with_the_right_password(client: Client) -> None:
    clerk = ProviderClerkFactory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        for _ in range(4):
            assert "请输入一个正确的" in _post(client, clerk.username, "wrong-password-x")
        page = _post(client, clerk.username, "wrong-password-x")
        assert "已暂时锁定，请于2026-09-28 09:15后再试" in page
        assert "请输入一个正确的" not in page

        page = _post(client, clerk.username, PASSWORD)
        assert "已暂时锁定，请于2026-09-28 09:15后再试" in page
        assert not _signed_in(client)

        traveller.move_to(MORNING + dt.timedelta(minutes=14, seconds=59))
        assert "已暂时锁定" in _post(client, clerk.username, PASSWORD)
        traveller.move_to(MORNING + dt.timedelta(minutes=15))
        response = client.post("/login/", {"username": clerk.username, "password": PASSWORD})
        assert response.status_code == 302
        assert _signed_in(client)

    event = AuditEvent.objects.get(action="accounts.login.lock")
    assert event.data["username"] == clerk.username
    assert event.data["failures"] == 5
    assert event.data["client"] == "127.0.0.1"
    assert PASSWORD not in str(event.data)


def test_a_success_resets_the_count(client: Client, settings: object) -> None:
    clerk = ProviderClerkFactory.create()
    for _ in range(4):
        _post(client, clerk.username, "wrong-password-x")
    assert client.post("/login/", {"username": clerk.username, "password": PASSWORD}).status_code == 302
    assert LoginThrottle.objects.get(username_key=clerk.username).failures == 0
    client.post("/logout/")
    for _ in range(4):
        assert "请输入一个正确的" in _post(client, clerk.username, "wrong-password-x")
    assert client.post("/login/", {"username": clerk.username, "password": PASSWORD}).status_code == 302


def test_an_unknown_name_is_locked_with_the_same_words(client: Client) -> None:
    clerk = ProviderClerkFactory.create()
    with time_machine.travel(MORNING, tick=False):
        pages = {}
        for name in (clerk.username, "no-such-user"):
            for _ in range(4):
                _post(client, name, "wrong-password-x")
            pages[name] = _post(client, name, "wrong-password-x")
    assert "已暂时锁定，请于2026-09-28 09:15后再试" in pages["no-such-user"]
    assert _alert(pages[clerk.username]) == _alert(pages["no-such-user"])
    assert AuditEvent.objects.filter(action="accounts.login.lock").count() == 2


def test_the_count_is_per_username_and_ignores_case(client: Client) -> None:
    clerk = ProviderClerkFactory.create()
    other = ProviderClerkFactory.create()
    for _ in range(3):
        _post(client, clerk.username.upper(), "wrong-password-x")
    for _ in range(2):
        _post(client, clerk.username, "wrong-password-x")
    assert "已暂时锁定" in _post(client, clerk.username, PASSWORD)
    assert client.post("/login/", {"username": other.username, "password": PASSWORD}).status_code == 302


def test_limits_come_from_settings(client: Client, settings: object) -> None:
    settings.PUBCREDIT_LOGIN_MAX_FAILURES = 2  # type: ignore[attr-defined]
    settings.PUBCREDIT_LOGIN_LOCK_MINUTES = 60  # type: ignore[attr-defined]
    clerk = ProviderClerkFactory.create()
    with time_machine.travel(MORNING, tick=False):
        _post(client, clerk.username, "wrong-password-x")
        assert "请于2026-09-28 10:00后再试" in _post(client, clerk.username, "wrong-password-x")


def test_the_admin_login_sends_to_the_portal_sign_in(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/accounts/user/"
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/login/?next=/admin/"
    client.force_login(ProviderClerkFactory.create())
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_the_centre_lifts_a_lock_in_the_admin_audited(client: Client) -> None:
    clerk = ProviderClerkFactory.create()
    for _ in range(5):
        _post(client, clerk.username, "wrong-password-x")
    throttle = LoginThrottle.objects.get(username_key=clerk.username)
    assert throttle.locked_until is not None

    auditor = Client()
    auditor.force_login(AuditorFactory.create(is_staff=True))
    auditor.post("/admin/accounts/loginthrottle/", {"action": "unlock_selected", "_selected_action": [throttle.pk]})
    throttle.refresh_from_db()
    assert throttle.locked_until is not None

    operator = Client()
    operator.force_login(OperatorFactory.create(is_staff=True))
    operator.post("/admin/accounts/loginthrottle/", {"action": "unlock_selected", "_selected_action": [throttle.pk]})
    throttle.refresh_from_db()
    assert throttle.locked_until is None and throttle.failures == 0
    assert AuditEvent.objects.filter(action="accounts.login.unlock").count() == 1
    assert client.post("/login/", {"username": clerk.username, "password": PASSWORD}).status_code == 302


def test_the_daily_purge_forgets_day_old_counts_but_keeps_locks(settings: Any) -> None:
    settings.PUBCREDIT_LOGIN_LOCK_MINUTES = 48 * 60
    from io import StringIO

    from django.core.management import call_command

    from pubcredit.accounts.lockout import login_failure_record

    with time_machine.travel(MORNING, tick=False) as traveller:
        login_failure_record("typo-name")
        for _ in range(5):
            login_failure_record("attacked-name")
        traveller.move_to(MORNING + dt.timedelta(minutes=10))
        login_failure_record("recent-name")
        out = StringIO()
        call_command("accounts", "purge-login-failures", stdout=out)
        assert "forgotten: 0" in out.getvalue()

        traveller.move_to(MORNING + dt.timedelta(days=1, minutes=5))
        call_command("accounts", "purge-login-failures", stdout=out)
        names = set(LoginThrottle.objects.values_list("username_key", flat=True))
        assert names == {"recent-name", "attacked-name"}  # still locked until the day after
        traveller.move_to(MORNING + dt.timedelta(days=2, minutes=1))
        call_command("accounts", "purge-login-failures", stdout=StringIO())
        assert not LoginThrottle.objects.exists()
