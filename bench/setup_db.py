"""What every benchmark needs: throw-away settings and a migrated database with demo data.

Benchmarks run the real `pubcredit` command in child processes, so what they time is what a
deployment runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_SETTINGS = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "PUBCREDIT_SM4_KEY": "00112233445566778899aabbccddeeff",
    "PUBCREDIT_INDEX_KEY": "ab" * 32,
    "PUBCREDIT_POLICY": "xian",
    "PUBCREDIT_ENV_FILE": "/nonexistent",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
CLI = [sys.executable, "-m", "pubcredit.cli"]


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, **BENCH_SETTINGS, "DATABASE_URL": database_url, **extra}


def pubcredit(env: dict[str, str], *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True)


def migrate(env: dict[str, str]) -> None:
    pubcredit(env, "migrate", "--no-input", "-v0")


def recreate_postgres(url: str) -> None:
    """Drop and create the database named in `url`, so every run starts empty."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"database name {name!r} must be a plain lower-case identifier")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
