"""Session limits and security headers, for every page and API answer.

Sessions end after `SESSION_COOKIE_AGE` from sign-in whatever the activity (Django's own expiry
moves forward each time the session is saved, so it is not an absolute limit), and staff
sessions also end after `PUBCREDIT_STAFF_IDLE_MINUTES` without a request (ASVS 3.3.2).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from pubcredit.accounts.models import User
from pubcredit.accounts.signin import SEEN_AT_KEY, SIGNED_IN_AT_KEY
from pubcredit.core.roles import Role

IDLE_LIMIT_KEY = "pc_idle_limit"
# The last-seen time is written at most this often, so that reading pages does not write the
# session on every request.
SEEN_GRANULARITY_SECONDS = 60
_NOT_STAFF = {Role.PUBLIC, Role.SUBJECT}


def _idle_limit(user: User) -> int:
    """Seconds of idleness allowed: staff (any role beyond public and subject) are limited."""
    if user.is_superuser or user.roles - _NOT_STAFF:
        return int(settings.PUBCREDIT_STAFF_IDLE_MINUTES) * 60
    return 0


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.get("_auth_user_id") is not None:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        signed_in_at = session.get(SIGNED_IN_AT_KEY)
        if signed_in_at is None:  # signed in before these limits existed, or by a test's force_login
            session[SIGNED_IN_AT_KEY] = signed_in_at = now
        if now - float(signed_in_at) >= settings.SESSION_COOKIE_AGE:
            hours = settings.SESSION_COOKIE_AGE // 3600
            self._end(request, f"登录已超过{hours}小时，为保护账号安全已自动退出，请重新登录。")
            return
        limit = session.get(IDLE_LIMIT_KEY)
        if limit is None:
            user = request.user
            limit = _idle_limit(user) if isinstance(user, User) else 0
            session[IDLE_LIMIT_KEY] = limit
        seen_at = float(session.get(SEEN_AT_KEY, now))
        if limit and now - seen_at >= limit:
            self._end(request, f"您已超过{limit // 60}分钟未操作，为保护账号安全已自动退出，请重新登录。")
            return
        if now - seen_at >= SEEN_GRANULARITY_SECONDS or SEEN_AT_KEY not in session:
            session[SEEN_AT_KEY] = now

    @staticmethod
    def _end(request: HttpRequest, message: str) -> None:
        logout(request)
        messages.warning(request, message)


# Pages load only the platform's own CSS and scripts (vendored htmx, no inline script or style,
# htmx with eval off), so the policy can forbid everything else. The OpenAPI page is the one
# exception: django-ninja's Swagger UI comes from its CDN with an inline start-up script.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
API_DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "img-src 'self' data: https://django-ninja.dev",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
API_DOCS_PATH = "/api/docs"
# Powerful browser features the platform never uses, switched off for every page and frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """The headers Django 5.2 does not send itself: Content-Security-Policy and Permissions-Policy.

    (SecurityMiddleware and XFrameOptionsMiddleware send nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy, X-Frame-Options, and HSTS when PUBCREDIT_HTTPS is on.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = API_DOCS_CONTENT_SECURITY_POLICY if request.path == API_DOCS_PATH else CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
