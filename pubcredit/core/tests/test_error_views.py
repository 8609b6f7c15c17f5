"""The answer to an unhandled error: a database that cannot be reached is a 503 to retry, with the
API's JSON error shape on the API; anything else stays a 500."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from pubcredit.core.error_views import server_error


def _failing(exc: Exception) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        raise exc

    return view


urlpatterns = [
    path("api/v1/down", _failing(OperationalError("connection refused"))),
    path("down", _failing(OperationalError("connection refused"))),
    path("api/v1/broken", _failing(ValueError("a bug"))),
    path("broken", _failing(ValueError("a bug"))),
]
handler500 = "pubcredit.core.error_views.server_error"


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@override_settings(ROOT_URLCONF=__name__)
def test_a_database_that_cannot_be_reached_is_a_503_to_retry(client: Client) -> None:
    page = client.get("/down")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    html = page.content.decode()
    assert "服务暂时不可用" in html and "Traceback" not in html and "connection refused" not in html
    api = client.get("/api/v1/down")
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert json.loads(api.content) == {"code": "unavailable", "message": "数据库暂时不可用，请稍后重试"}


@override_settings(ROOT_URLCONF=__name__)
def test_any_other_error_stays_a_500_without_details(client: Client) -> None:
    page = client.get("/broken")
    assert page.status_code == 500 and "服务器内部错误" in page.content.decode()
    assert "Retry-After" not in page
    api = client.get("/api/v1/broken")
    assert api.status_code == 500
    assert json.loads(api.content)["code"] == "server_error" and "a bug" not in api.content.decode()


def test_the_view_needs_no_request_context(rf: RequestFactory) -> None:
    assert server_error(rf.get("/")).status_code == 500


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_page_that_cannot_be_drawn_falls_back_to_a_bare_one(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pubcredit.core import error_views

    def broken(name: str) -> None:
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(error_views.loader, "get_template", broken)
    page = client.get("/broken")
    assert page.status_code == 500 and "服务器内部错误" in page.content.decode()
