from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.test import RequestFactory

from pubcredit.accounts.auth import ApiTokenAuth, SessionOrTokenAuth
from pubcredit.accounts.services import AuthenticationFailed
from pubcredit.accounts.tests.factories import ApiClientFactory, ProviderClerkFactory
from pubcredit.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def _request(header: str | None = None, *, user: Any = None, method: str = "get") -> HttpRequest:
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    request: HttpRequest = getattr(RequestFactory(), method)("/api/v1/subjects", **extra)
    request.user = user or AnonymousUser()
    return request


def test_unknown_scope_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown API scope"):
        ApiTokenAuth(scope="everything")


def test_bearer_token_identifies_the_client() -> None:
    client = ApiClientFactory.create()
    assert ApiTokenAuth(scope="collect")(_request(f"Bearer {client.plain_token}")) == client


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "缺少访问令牌"),
        ("Basic abc", "Authorization 请求头格式错误"),
        ("Bearer ", "Authorization 请求头格式错误"),
        ("Bearer pc_nonsense", "访问令牌无效"),
    ],
)
def test_missing_malformed_and_unknown_tokens_are_refused_in_chinese(header: str | None, message: str) -> None:
    with pytest.raises(AuthenticationFailed, match=message):
        ApiTokenAuth(scope="collect")(_request(header))


def test_token_without_the_scope_is_forbidden() -> None:
    client = ApiClientFactory.create(scopes=["query"])
    with pytest.raises(PermissionDenied, match="没有“归集”（collect）授权范围"):
        ApiTokenAuth(scope="collect")(_request(f"Bearer {client.plain_token}"))


def test_session_wins_over_token_and_token_works_without_session() -> None:
    clerk = ProviderClerkFactory.create()
    client = ApiClientFactory.create()
    auth = SessionOrTokenAuth(scope="collect")
    assert auth(_request(user=clerk)) == clerk
    assert auth(_request(f"Bearer {client.plain_token}")) == client
    with pytest.raises(AuthenticationFailed, match="请先登录"):
        auth(_request())


def test_session_post_needs_csrf() -> None:
    clerk = ProviderClerkFactory.create()
    request = RequestFactory().post("/api/v1/subjects", data={}, content_type="application/json")
    request.user = clerk
    with pytest.raises(PermissionDenied, match="CSRF"):
        SessionOrTokenAuth(scope="collect")(request)
