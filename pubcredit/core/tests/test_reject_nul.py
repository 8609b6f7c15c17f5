"""A NUL in the path or the query string is refused before any view (PostgreSQL cannot hold it)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_query_parameter_is_refused_with_the_api_error_shape() -> None:
    answer = Client().get("/api/v1/subjects/search?q=%E5%8D%8E%00x")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and "空字符" in answer.json()["message"]


def test_a_nul_in_a_page_path_or_query_is_refused() -> None:
    assert Client().get("/search?q=a%00b").status_code == 400
    assert Client().get("/lists/public/bl%00ack/").status_code == 400


def test_ordinary_requests_pass() -> None:
    assert Client().get("/search?q=%E5%8D%8E").status_code == 200
