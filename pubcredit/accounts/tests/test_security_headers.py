"""Security headers on a page, an API answer, a static file and an error page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from pubcredit.accounts.middleware import CONTENT_SECURITY_POLICY
from pubcredit.accounts.tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


def _assert_common(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/", "/login/", "/catalog/", "/no-such-page/"])
def test_pages_send_a_strict_content_security_policy(client: Client, path: str) -> None:
    response = client.get(path)
    _assert_common(response)
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_a_signed_in_page_has_the_same_headers(client: Client) -> None:
    client.force_login(OperatorFactory.create())
    response = client.get("/me/notices/")
    assert response.status_code == 200
    _assert_common(response)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_api_answers_carry_the_headers(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    _assert_common(response)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    refused = client.post("/api/v1/objections", data={}, content_type="application/json")
    assert refused.status_code in (401, 403, 404, 405, 422)
    _assert_common(refused)


def test_the_api_docs_page_may_load_swagger_from_its_cdn_only(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy


def test_the_templates_hold_no_inline_script_or_style() -> None:
    """The policy forbids inline code; a template adding some would break in the browser."""
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR, "pubcredit").glob("*/templates")]
    offending = []
    for root in roots:
        for template in root.rglob("*.html"):
            if "pdf" in template.relative_to(root).parts:
                continue  # laid out into a PDF by the report engine, never served to a browser
            text = template.read_text(encoding="utf-8")
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b|\sstyle=|\son[a-z]+=", text):
                offending.append(str(template))
    assert offending == []
