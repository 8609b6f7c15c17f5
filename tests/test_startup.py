"""Bad settings stop start-up with one clear English sentence, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_ENV = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "PUBCREDIT_SM4_KEY": "00112233445566778899aabbccddeeff",
    "PUBCREDIT_INDEX_KEY": "ab" * 32,
    "PUBCREDIT_POLICY": "xian",
    "PUBCREDIT_ENV_FILE": "/nonexistent",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def run_cli(tmp_path: Path, *args: str, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUBCREDIT_", "DJANGO_", "DATABASE_URL"))}
    env.update(GOOD_ENV)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'startup.sqlite3'}"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "pubcredit.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_sentence(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_key_names_the_setting(tmp_path: Path) -> None:
    assert_one_sentence(run_cli(tmp_path, "check", PUBCREDIT_SM4_KEY=None), "PUBCREDIT_SM4_KEY", "missing")


def test_malformed_key_says_what_is_expected(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "check", PUBCREDIT_INDEX_KEY="zz")
    assert_one_sentence(result, "PUBCREDIT_INDEX_KEY", "64 hexadecimal")


def test_unknown_policy_pack_lists_the_available_ones(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "check", PUBCREDIT_POLICY="atlantis")
    assert_one_sentence(result, "atlantis", "xian")


def test_unreachable_database_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--check-only", DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    assert_one_sentence(result, "127.0.0.1:9", "Cannot connect")


def test_unsupported_database_scheme(tmp_path: Path) -> None:
    assert_one_sentence(run_cli(tmp_path, "check", DATABASE_URL="mysql://x@y/z"), "DATABASE_URL", "not supported")


def test_unmigrated_database_is_reported_then_ready_after_migrate(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--check-only")
    assert_one_sentence(result, "unapplied migrations", "pubcredit migrate")
    migrated = run_cli(tmp_path, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    ready = run_cli(tmp_path, "serve", "--check-only")
    assert ready.returncode == 0, ready.stderr
    assert "ready" in ready.stdout


@pytest.mark.parametrize("command", [["policy", "list"]])
def test_cli_runs_with_good_settings(tmp_path: Path, command: list[str]) -> None:
    result = run_cli(tmp_path, *command)
    assert result.returncode == 0, result.stderr
