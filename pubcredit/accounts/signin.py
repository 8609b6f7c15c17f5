"""Sign-in in two steps for the staff roles: the password leaves a pending sign-in in the
session, and only the second factor turns it into a signed-in session.

The pending state names the user and expires after a few minutes; nothing else is trusted
until `sign_in_complete`, which starts the session clock used by the idle and absolute limits.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest

from pubcredit.accounts.lockout import login_success_record
from pubcredit.accounts.models import User

PENDING_KEY = "pc_signin_pending"
PENDING_SECONDS = 300
SIGNED_IN_AT_KEY = "pc_signed_in_at"
SEEN_AT_KEY = "pc_seen_at"


def pending_start(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": time.time(),
        "next": next_url,
    }


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    return pending


def pending_user(request: HttpRequest) -> User | None:
    pending = _pending(request)
    if pending is None:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]  # type: ignore[attr-defined]
    return user


def pending_next(request: HttpRequest) -> str:
    pending = _pending(request)
    return str(pending.get("next", "")) if pending else ""


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def sign_in_complete(request: HttpRequest, user: User) -> None:
    pending_clear(request)
    login(request, user, backend=getattr(user, "backend", None))
    now = time.time()
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[SEEN_AT_KEY] = now
    login_success_record(user.get_username())
