"""The second step after the password for operator, authority and auditor: enrolment, codes,
refusal of wrong and reused codes, the grace period, and the operator's reset."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from pubcredit.accounts import totp
from pubcredit.accounts.models import TotpDevice, User
from pubcredit.accounts.second_factor import totp_reset
from pubcredit.accounts.tests.factories import (
    PASSWORD,
    AuditorFactory,
    AuthorityFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
    SuperuserFactory,
)
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def strict(settings: Any) -> None:
    settings.PUBCREDIT_TOTP_GRACE_HOURS = 0


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _secret_from(page: str) -> bytes:
    text = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    return base64.b32decode(text + "=" * (-len(text) % 8))


def _password(client: Client, user: User, next_url: str = "") -> Any:
    data = {"username": user.username, "password": PASSWORD}
    return client.post(f"/login/?next={next_url}" if next_url else "/login/", data)


def _enrol(client: Client, user: User) -> bytes:
    """Sign in with the password, bind an authenticator and return its secret."""
    assert _password(client, user)["Location"] == "/login/enrol/"
    page = client.get("/login/enrol/").content.decode()
    secret = _secret_from(page)
    response = client.post("/login/enrol/", {"code": totp.totp(secret, dt.datetime.now().timestamp())})
    assert response.status_code == 302
    assert _signed_in(client)
    client.post("/logout/")
    return secret


@pytest.mark.parametrize("factory", [OperatorFactory, AuthorityFactory, AuditorFactory, SuperuserFactory])
def test_staff_roles_must_enrol_then_give_a_code_after_the_password(strict: None, client: Client, factory: Any) -> None:
    user = factory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        response = _password(client, user)
        assert response["Location"] == "/login/enrol/"
        assert not _signed_in(client)
        page = client.get("/login/enrol/").content.decode()
        secret = _secret_from(page)
        assert "otpauth://totp/" in page and "secret=" in page
        device = TotpDevice.objects.get(user=user)
        assert device.secret is not None
        assert totp.secret_base32(secret).encode() not in bytes(device.secret)  # stored encrypted
        response = client.post("/login/enrol/", {"code": totp.totp(secret, MORNING.timestamp())})
        assert response.status_code == 302 and response["Location"] == "/"
        assert _signed_in(client)
        assert AuditEvent.objects.filter(action="accounts.totp.enrol", actor_id=user.pk).count() == 1
        client.post("/logout/")

        traveller.move_to(MORNING + dt.timedelta(minutes=5))
        response = _password(client, user, next_url="/me/notices/")
        assert response["Location"] == "/login/verify/"
        assert not _signed_in(client)
        # The secret is never shown again.
        assert "totp-secret" not in client.get("/login/enrol/", follow=True).content.decode()
        _password(client, user, next_url="/me/notices/")
        code = totp.totp(secret, (MORNING + dt.timedelta(minutes=5)).timestamp())
        response = client.post("/login/verify/", {"code": code})
        assert response.status_code == 302 and response["Location"] == "/me/notices/"
        assert _signed_in(client)


def test_a_wrong_code_is_refused_and_counts_towards_the_lock_out(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        secret = _enrol(client, operator)
        right = totp.totp(secret, MORNING.timestamp() + 60)
        wrong = str((int(right) + 1) % 10**6).zfill(6)
    with time_machine.travel(MORNING + dt.timedelta(minutes=1), tick=False):
        _password(client, operator)
        for _ in range(4):
            response = client.post("/login/verify/", {"code": wrong})
            assert response.status_code == 200
            assert f"动态口令“{wrong}”不正确或已使用过" in response.content.decode()
            assert not _signed_in(client)
        response = client.post("/login/verify/", {"code": wrong}, follow=True)
        assert "已暂时锁定，请于2026-09-28 09:16后再试" in response.content.decode()
        # Locked: the pending sign-in is gone and the right password with the right code fails.
        assert client.post("/login/verify/", {"code": right})["Location"] == "/login/"
        assert "已暂时锁定" in _password(client, operator).content.decode()
        assert not _signed_in(client)


def test_a_code_is_accepted_once(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        secret = _enrol(client, operator)
    later = MORNING + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        code = totp.totp(secret, later.timestamp())
        _password(client, operator)
        assert client.post("/login/verify/", {"code": code}).status_code == 302
        client.post("/logout/")
        _password(client, operator)
        response = client.post("/login/verify/", {"code": code})
        assert response.status_code == 200
        assert "不正确或已使用过" in response.content.decode()
        assert not _signed_in(client)
        # The code of the step before, still inside the window, is refused too: steps only go forward.
        earlier = totp.totp(secret, later.timestamp() - 30)
        assert "不正确或已使用过" in client.post("/login/verify/", {"code": earlier}).content.decode()
    with time_machine.travel(later + dt.timedelta(seconds=30), tick=False):
        code = totp.totp(secret, (later + dt.timedelta(seconds=30)).timestamp())
        assert client.post("/login/verify/", {"code": code}).status_code == 302


def test_the_code_step_expires_after_five_minutes(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        secret = _enrol(client, operator)
        traveller.move_to(MORNING + dt.timedelta(minutes=1))
        _password(client, operator)
        traveller.move_to(MORNING + dt.timedelta(minutes=6, seconds=1))
        code = totp.totp(secret, (MORNING + dt.timedelta(minutes=6, seconds=1)).timestamp())
        response = client.post("/login/verify/", {"code": code}, follow=True)
        assert "登录已超时" in response.content.decode()
        assert not _signed_in(client)


def test_a_mistyped_enrolment_code_shows_the_same_secret_again(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        _password(client, operator)
        secret = _secret_from(client.get("/login/enrol/").content.decode())
        response = client.post(
            "/login/enrol/", {"code": "000000" if totp.totp(secret, MORNING.timestamp()) != "000000" else "111111"}
        )
        assert response.status_code == 200
        assert _secret_from(response.content.decode()) == secret
        assert not _signed_in(client)
        assert TotpDevice.objects.get(user=operator).confirmed_at is None


@pytest.mark.parametrize("factory", [ProviderClerkFactory, SubjectAccountFactory])
def test_other_roles_sign_in_with_the_password(strict: None, client: Client, factory: Any) -> None:
    user = factory.create()
    assert _password(client, user)["Location"] == "/"
    assert _signed_in(client)
    assert not TotpDevice.objects.filter(user=user).exists()
    assert client.get("/login/enrol/", follow=True).status_code == 200
    assert not TotpDevice.objects.filter(user=user).exists()


def test_in_the_grace_period_the_password_signs_in_with_a_reminder_then_enrolment_is_required(
    client: Client, settings: Any
) -> None:
    settings.PUBCREDIT_TOTP_GRACE_HOURS = 48
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False) as traveller:
        response = client.post("/login/", {"username": operator.username, "password": PASSWORD}, follow=True)
        assert _signed_in(client)
        assert "请于2026-09-30 09:00前绑定动态口令" in response.content.decode()
        client.post("/logout/")

        traveller.move_to(MORNING + dt.timedelta(hours=47, minutes=59))
        assert _password(client, operator)["Location"] == "/"
        client.post("/logout/")

        traveller.move_to(MORNING + dt.timedelta(hours=48))
        assert _password(client, operator)["Location"] == "/login/enrol/"
        assert not _signed_in(client)


def test_a_signed_in_staff_member_in_grace_enrols_from_the_page(client: Client, settings: Any) -> None:
    settings.PUBCREDIT_TOTP_GRACE_HOURS = 48
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        _password(client, operator)
        assert _signed_in(client)
        secret = _secret_from(client.get("/login/enrol/").content.decode())
        response = client.post("/login/enrol/", {"code": totp.totp(secret, MORNING.timestamp())})
        assert response.status_code == 302
        client.post("/logout/")
    with time_machine.travel(MORNING + dt.timedelta(minutes=1), tick=False):
        assert _password(client, operator)["Location"] == "/login/verify/"


def test_the_centre_resets_a_lost_authenticator(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    auditor = AuditorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        _enrol(client, auditor)
        with pytest.raises(PermissionDenied):
            totp_reset(actor=auditor, user=auditor, reason="手机丢失")
        with pytest.raises(ValidationFailed):
            totp_reset(actor=operator, user=auditor, reason=" ")
        totp_reset(actor=operator, user=auditor, reason="手机丢失")
        event = AuditEvent.objects.get(action="accounts.totp.reset")
        assert event.actor_id == operator.pk and event.data["reason"] == "手机丢失"
        assert _password(client, auditor)["Location"] == "/login/enrol/"


def test_the_code_and_password_never_reach_the_audit_log(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        secret = _enrol(client, operator)
    text = " ".join(str(event.data) for event in AuditEvent.objects.all())
    assert totp.secret_base32(secret) not in text and PASSWORD not in text


def test_a_pending_sign_in_opens_nothing(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        _enrol(client, operator)
        _password(client, operator)
        assert client.get("/me/notices/")["Location"].startswith("/login/?next=")
        assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/login/")
        assert client.get("/api/v1/objections/").status_code in (401, 403, 404, 405)


def test_the_next_address_must_be_on_this_site(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        secret = _enrol(client, operator)
    with time_machine.travel(MORNING + dt.timedelta(minutes=1), tick=False):
        _password(client, operator, next_url="https://evil.example/")
        code = totp.totp(secret, (MORNING + dt.timedelta(minutes=1)).timestamp())
        assert client.post("/login/verify/", {"code": code})["Location"] == "/"


def test_the_centre_resets_an_authenticator_in_the_admin(strict: None, client: Client) -> None:
    auditor = AuditorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        _enrol(client, auditor)
    device = TotpDevice.objects.get(user=auditor)
    page = Client()
    page.force_login(OperatorFactory.create(is_staff=True))
    response = page.get(f"/admin/accounts/totpdevice/{device.pk}/change/")
    assert response.status_code == 200
    assert "密钥" not in response.content.decode()
    page.post("/admin/accounts/totpdevice/", {"action": "reset_selected", "_selected_action": [device.pk]})
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(action="accounts.totp.reset").count() == 1


def test_each_step_gets_a_new_session_key(strict: None, client: Client) -> None:
    operator = OperatorFactory.create()
    with time_machine.travel(MORNING, tick=False):
        secret = _enrol(client, operator)
    with time_machine.travel(MORNING + dt.timedelta(minutes=1), tick=False):
        client.get("/login/")
        before = client.session.session_key
        _password(client, operator)
        pending = client.session.session_key
        client.post("/login/verify/", {"code": totp.totp(secret, (MORNING + dt.timedelta(minutes=1)).timestamp())})
        assert len({before, pending, client.session.session_key}) == 3


def test_the_second_step_forms_need_the_csrf_token(strict: None) -> None:
    operator = OperatorFactory.create()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"username": operator.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert browser.post("/login/", data)["Location"] == "/login/enrol/"
    assert browser.post("/login/enrol/", {"code": "123456"}).status_code == 403
    assert browser.post("/login/verify/", {"code": "123456"}).status_code == 403
