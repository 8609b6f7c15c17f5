"""Authentication for the JSON API: bearer tokens of API clients, or a signed-in session.

Failures raise domain errors (Chinese message, code `unauthenticated` / `forbidden`) instead of
ninja's bare "Unauthorized", so a provider's system log says what was wrong with its call.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from pubcredit.accounts.models import ApiClient, ApiScope
from pubcredit.accounts.services import AuthenticationFailed, api_client_authenticate
from pubcredit.core.errors import PermissionDenied


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` of an active API client holding `scope`."""

    def __init__(self, scope: str) -> None:
        if scope not in ApiScope.values:
            raise ValueError(f"unknown API scope {scope!r}; choose one of {', '.join(ApiScope.values)}")
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            raise AuthenticationFailed("缺少访问令牌：请在 Authorization 请求头中提供“Bearer 令牌”")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailed("Authorization 请求头格式错误，应为“Bearer 令牌”")
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        return api_client_authenticate(token, scope=self.scope)


class SessionOrTokenAuth(ApiTokenAuth):
    """A signed-in user (pages calling the API, CSRF-checked) or else an API client's token.

    `request.auth` is then the `User` or the `ApiClient`; services accept either as `actor` and
    check the role themselves.
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
                raise PermissionDenied("CSRF 校验失败，请刷新页面后重试")
            return user
        if not request.headers.get(self.header):
            raise AuthenticationFailed("请先登录，或在 Authorization 请求头中提供“Bearer 令牌”")
        return super().__call__(request)
