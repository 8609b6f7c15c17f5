"""Session expiry: staff are signed out after 30 idle minutes; everyone after 8 hours."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from pubcredit.accounts.tests.factories import PASSWORD, ProviderClerkFactory, SubjectAccountFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _sign_in(client: Client, username: str) -> None:
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302


def test_a_staff_session_ends_after_thirty_idle_minutes(client: Client) -> None:
    clerk = ProviderClerkFactory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        _sign_in(client, clerk.username)
        for minutes in (29, 58, 87):  # each request restarts the idle clock
            traveller.move_to(MORNING + dt.timedelta(minutes=minutes))
            assert client.get("/me/notices/").status_code == 200
            assert _signed_in(client)
        traveller.move_to(MORNING + dt.timedelta(minutes=117))
        response = client.get("/me/notices/", follow=True)
        assert not _signed_in(client)
        assert response.redirect_chain[0][0].startswith("/login/?next=/me/notices/")
        assert "您已超过30分钟未操作，为保护账号安全已自动退出" in response.content.decode()


def test_the_idle_limit_comes_from_settings(client: Client, settings: Any) -> None:
    settings.PUBCREDIT_STAFF_IDLE_MINUTES = 10
    clerk = ProviderClerkFactory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        _sign_in(client, clerk.username)
        traveller.move_to(MORNING + dt.timedelta(minutes=9, seconds=59))
        client.get("/")
        assert _signed_in(client)
        traveller.move_to(MORNING + dt.timedelta(minutes=20))
        client.get("/")
        assert not _signed_in(client)


def test_a_subject_account_has_no_idle_limit_but_the_absolute_one(client: Client) -> None:
    company = SubjectAccountFactory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        _sign_in(client, company.username)
        traveller.move_to(MORNING + dt.timedelta(hours=3))
        client.get("/")
        assert _signed_in(client)
        traveller.move_to(MORNING + dt.timedelta(hours=7, minutes=59))
        client.get("/")
        assert _signed_in(client)
        traveller.move_to(MORNING + dt.timedelta(hours=8))
        response = client.get("/", follow=True)
        assert not _signed_in(client)
        assert "登录已超过8小时，为保护账号安全已自动退出" in response.content.decode()


def test_an_active_staff_session_still_ends_after_eight_hours(client: Client) -> None:
    clerk = ProviderClerkFactory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        _sign_in(client, clerk.username)
        for minutes in range(20, 8 * 60, 20):
            traveller.move_to(MORNING + dt.timedelta(minutes=minutes))
            client.get("/")
            assert _signed_in(client), minutes
        traveller.move_to(MORNING + dt.timedelta(hours=8, minutes=1))
        client.get("/")
        assert not _signed_in(client)


def test_the_session_cookie_is_http_only_and_same_site(client: Client) -> None:
    clerk = ProviderClerkFactory.create()
    response = client.post("/login/", {"username": clerk.username, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 8 * 3600
