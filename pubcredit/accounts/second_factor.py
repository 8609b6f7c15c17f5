"""The second factor (TOTP) of the staff roles that see or decide most: operator, authority,
auditor, and superusers (GB/T 39786-2021 level 3: two factors for identity authentication).

A staff account without an authenticator is given `PUBCREDIT_TOTP_GRACE_HOURS` from its first
sign-in to bind one (enforcement with a grace period, as large platforms roll it out); after
that, its password alone no longer signs it in and it must enrol at the next sign-in.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pubcredit.accounts import totp
from pubcredit.accounts.actors import Actor, actor_may
from pubcredit.accounts.models import TotpDevice, User
from pubcredit.core.audit import audit_record
from pubcredit.core.crypto import sm4_gcm_decrypt, sm4_gcm_encrypt
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role

SECOND_FACTOR_ROLES = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)
ISSUER = "公共信用信息平台"


class Step(StrEnum):
    NONE = "none"  # not a role that needs it
    VERIFY = "verify"  # enrolled: the code is asked after the password
    ENROL = "enrol"  # must bind an authenticator before signing in
    GRACE = "grace"  # may sign in, and is reminded to enrol


def second_factor_required(user: User) -> bool:
    return user.is_superuser or any(user.has_role(role) for role in SECOND_FACTOR_ROLES)


def _device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def second_factor_step(user: User) -> tuple[Step, datetime | None]:
    """What the sign-in asks of `user` after the password, and the grace deadline if in grace.

    The first call for a staff account without an authenticator starts its grace period.
    """
    if not second_factor_required(user):
        return Step.NONE, None
    device = _device(user)
    if device is not None and device.confirmed:
        return Step.VERIFY, None
    hours: int = settings.PUBCREDIT_TOTP_GRACE_HOURS
    if hours == 0:
        return Step.ENROL, None
    if device is None or device.grace_started_at is None:
        device, _ = TotpDevice.objects.get_or_create(user=user)
        TotpDevice.objects.filter(pk=device.pk, grace_started_at__isnull=True).update(grace_started_at=timezone.now())
        device.refresh_from_db()
    assert device.grace_started_at is not None
    deadline = device.grace_started_at + timedelta(hours=hours)
    if timezone.now() < deadline:
        return Step.GRACE, deadline
    return Step.ENROL, None


def _associated(user: User) -> bytes:
    return f"pubcredit:totp:{user.pk}".encode()


def _secret(device: TotpDevice) -> bytes:
    assert device.secret is not None
    return sm4_gcm_decrypt(settings.PUBCREDIT_SM4_KEY, bytes(device.secret), _associated(device.user))


def totp_enrolment_start(*, actor: User) -> tuple[str, str]:
    """A new secret for `actor`, returned once as base32 text and as an otpauth:// URI.

    Starting again before confirming replaces the secret; a bound authenticator is replaced only
    after an operator resets it (`totp_reset`), never by whoever holds the session.
    """
    if not second_factor_required(actor):
        raise PermissionDenied("只有信用中心、主管部门和审计人员的账号需要绑定动态口令")
    secret = totp.secret_generate()
    with transaction.atomic():
        device, _ = TotpDevice.objects.select_for_update().get_or_create(user=actor)
        if device.confirmed:
            raise ValidationFailed("该账号已绑定动态口令；如需更换，请联系信用中心重置", field="code")
        device.secret = sm4_gcm_encrypt(settings.PUBCREDIT_SM4_KEY, secret, _associated(actor))
        device.save(update_fields=["secret"])
    return totp.secret_base32(secret), totp.provisioning_uri(secret, account=actor.get_username(), issuer=ISSUER)


def totp_enrolment_pending(*, actor: User) -> tuple[str, str]:
    """The not yet confirmed secret again, for the enrolment page after a mistyped code."""
    device = _device(actor)
    if device is None or device.secret is None or device.confirmed:
        return totp_enrolment_start(actor=actor)
    secret = _secret(device)
    return totp.secret_base32(secret), totp.provisioning_uri(secret, account=actor.get_username(), issuer=ISSUER)


def _bad_code(code: str) -> ValidationFailed:
    shown = code.strip()[:12]
    return ValidationFailed(
        f"动态口令“{shown}”不正确或已使用过：请输入验证器中当前显示的6位数字（每30秒更新）", field="code"
    )


def totp_enrolment_confirm(*, actor: User, code: str) -> TotpDevice:
    """Bind the authenticator once it shows a right code, proving the secret was copied."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=actor).first()
        if device is None or device.secret is None:
            raise ValidationFailed("请先生成动态口令密钥，再输入验证器显示的口令", field="code")
        if device.confirmed:
            raise ValidationFailed("该账号已绑定动态口令", field="code")
        step = totp.totp_match(_secret(device), code, time.time(), after_step=device.last_step)
        if step is None:
            raise _bad_code(code)
        device.confirmed_at = timezone.now()
        device.last_step = step
        device.save(update_fields=["confirmed_at", "last_step"])
        audit_record(actor=actor, action="accounts.totp.enrol", target=device, data={"user_id": actor.pk})
    return device


def totp_verify(*, user: User, code: str) -> None:
    """Accept a right code once: the compare-and-swap on `last_step` refuses a replay, even two
    requests racing with the same code."""
    device = _device(user)
    if device is None or not device.confirmed:
        raise ValidationFailed("该账号尚未绑定动态口令", field="code")
    step = totp.totp_match(_secret(device), code, time.time(), after_step=device.last_step)
    if step is None:
        raise _bad_code(code)
    won = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
    if not won:
        raise _bad_code(code)


def totp_reset(*, actor: Actor, user: User, reason: str) -> None:
    """The centre unbinds a lost authenticator; the account enrols again at its next sign-in."""
    if not actor_may(actor, Role.OPERATOR):
        raise PermissionDenied("只有信用中心可以重置动态口令")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写重置动态口令的原因", field="reason")
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None or not device.confirmed:
            raise ValidationFailed(f"用户“{user.get_username()}”尚未绑定动态口令", field="user")
        device.secret = None
        device.confirmed_at = None
        device.grace_started_at = timezone.now() - timedelta(hours=settings.PUBCREDIT_TOTP_GRACE_HOURS)
        device.save(update_fields=["secret", "confirmed_at", "grace_started_at"])
        audit_record(
            actor=actor if isinstance(actor, User) else None,
            action="accounts.totp.reset",
            target=device,
            data={"user_id": user.pk, "reason": reason},
        )
