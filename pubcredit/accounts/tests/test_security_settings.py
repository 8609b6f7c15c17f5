"""The security settings read from the environment, in a fresh interpreter each time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRINT = (
    "import json, config.settings as s; print(json.dumps({k: getattr(s, k) for k in ("
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'PUBCREDIT_TOTP_GRACE_HOURS',"
    "'PUBCREDIT_LOGIN_MAX_FAILURES', 'PUBCREDIT_LOGIN_LOCK_MINUTES', 'PUBCREDIT_STAFF_IDLE_MINUTES',"
    "'SESSION_COOKIE_AGE', 'MIDDLEWARE')}))"
)


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PUBCREDIT_", "DJANGO_", "DATABASE_URL"))}
    clean |= {
        "DJANGO_SECRET_KEY": "x" * 50,
        "PUBCREDIT_SM4_KEY": "00112233445566778899aabbccddeeff",
        "PUBCREDIT_INDEX_KEY": "ab" * 32,
        "PUBCREDIT_ENV_FILE": "/nonexistent",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_defaults(tmp_path: Path) -> None:
    run = _settings(tmp_path)
    assert run.returncode == 0, run.stderr
    values = json.loads(run.stdout)
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_HSTS_SECONDS"] == 0
    assert values["PUBCREDIT_TOTP_GRACE_HOURS"] == 48
    assert (values["PUBCREDIT_LOGIN_MAX_FAILURES"], values["PUBCREDIT_LOGIN_LOCK_MINUTES"]) == (5, 15)
    assert values["PUBCREDIT_STAFF_IDLE_MINUTES"] == 30 and values["SESSION_COOKIE_AGE"] == 8 * 3600
    middleware = values["MIDDLEWARE"]
    assert middleware.index("pubcredit.accounts.middleware.SessionLimitsMiddleware") > middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
    assert "pubcredit.accounts.middleware.SecurityHeadersMiddleware" in middleware


def test_https_makes_cookies_secure_and_sends_hsts(tmp_path: Path) -> None:
    run = _settings(tmp_path, PUBCREDIT_HTTPS="1", PUBCREDIT_TOTP_GRACE_HOURS="0")
    values = json.loads(run.stdout)
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["PUBCREDIT_TOTP_GRACE_HOURS"] == 0


def test_a_malformed_value_stops_start_up_naming_the_setting(tmp_path: Path) -> None:
    for name, value in (
        ("PUBCREDIT_TOTP_GRACE_HOURS", "two days"),
        ("PUBCREDIT_LOGIN_MAX_FAILURES", "0"),
        ("PUBCREDIT_STAFF_IDLE_MINUTES", "-5"),
    ):
        run = _settings(tmp_path, **{name: value})
        assert run.returncode != 0
        assert f"Setting {name}=" in run.stderr
