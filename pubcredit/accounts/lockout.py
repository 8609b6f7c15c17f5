"""Lock-out after repeated failed sign-ins (GB/T 39786-2021 level 3; ASVS 2.2.1).

Counted per username in the database, so every worker and server sees the same count. A name
that matches no account is counted and locked exactly like one that does, and the refusal reads
the same, so the lock-out never tells whether an account exists. A locked name is refused even
with the right password; a success resets the count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may
from pubcredit.accounts.models import LoginThrottle, User
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import PermissionDenied
from pubcredit.core.roles import Role


class LoginLocked(PermissionDenied):
    code = "locked"

    def __init__(self, until: datetime) -> None:
        self.until = until
        local = timezone.localtime(until)
        super().__init__(
            f"该账号连续登录失败次数过多，已暂时锁定，请于{local:%Y-%m-%d %H:%M}后再试。",
        )


def username_key(username: str) -> str:
    return username.strip().casefold()[:150]


def login_lock_check(username: str) -> None:
    """Raise `LoginLocked` while the name is locked."""
    until = (
        LoginThrottle.objects.filter(username_key=username_key(username), locked_until__gt=timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is not None:
        raise LoginLocked(until)


def login_failure_record(username: str, *, client: str = "") -> datetime | None:
    """Count one failure; when it is the N-th in a row, lock the name and return until when.

    The count is raised by one UPDATE, which takes the row's write lock first on every backend,
    so failures racing each other are all counted and only one of them locks and audits.
    """
    key = username_key(username)
    if not key:
        return None
    now = timezone.now()
    limit: int = settings.PUBCREDIT_LOGIN_MAX_FAILURES
    LoginThrottle.objects.get_or_create(username_key=key)
    with transaction.atomic():
        unlocked = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
        LoginThrottle.objects.filter(unlocked, username_key=key).update(failures=F("failures") + 1, last_failure_at=now)
        throttle = LoginThrottle.objects.select_for_update().get(username_key=key)
        if throttle.locked_until is not None and throttle.locked_until > now:
            return throttle.locked_until
        if throttle.failures < limit:
            return None
        until = now + timedelta(minutes=settings.PUBCREDIT_LOGIN_LOCK_MINUTES)
        LoginThrottle.objects.filter(pk=throttle.pk).update(failures=0, locked_until=until)
        audit_record(
            actor=None,
            action="accounts.login.lock",
            target=throttle,
            data={"username": key, "failures": throttle.failures, "locked_until": until.isoformat(), "client": client},
        )
        return until


def login_success_record(username: str) -> None:
    LoginThrottle.objects.filter(username_key=username_key(username), failures__gt=0).update(failures=0)


def login_unlock(*, actor: Actor, throttle: LoginThrottle) -> LoginThrottle:
    """The centre lifts a lock before it ends (a member of staff locked out by mistyping)."""
    if not actor_may(actor, Role.OPERATOR):
        raise PermissionDenied("只有信用中心可以解除登录锁定")
    with transaction.atomic():
        LoginThrottle.objects.filter(pk=throttle.pk).update(failures=0, locked_until=None)
        audit_record(
            actor=actor if isinstance(actor, User) else None,
            action="accounts.login.unlock",
            target=throttle,
            data={"username": throttle.username_key},
        )
    throttle.refresh_from_db()
    return throttle


STALE_AFTER = timedelta(days=1)


def login_throttles_purge() -> int:
    """Forget names whose last failure is a day old and that are not locked.

    Guessed names would otherwise pile up for ever; a day-old count is too old to matter, so
    the daily job keeps the table to the names tried in the last day.
    """
    now = timezone.now()
    unlocked = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    stale = Q(last_failure_at__isnull=True) | Q(last_failure_at__lt=now - STALE_AFTER)
    deleted, _ = LoginThrottle.objects.filter(unlocked, stale).delete()
    return deleted
