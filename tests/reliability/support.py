"""Databases and processes for the reliability tests.

These tests run the platform in child processes (the `pubcredit` command, gunicorn, or
`tests/reliability/driver.py`), kill them, restart databases and restore dumps, so they cannot use
pytest-django's test database (an in-memory one on SQLite, and a transaction the children cannot
see). Each test gets its own database instead: on SQLite a file in the test's tmp dir, on
PostgreSQL (the pass of the suite that sets PUBCREDIT_TEST_DATABASE_URL) a database named after
that one plus a suffix, created from a template seeded once per session and dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CHILD_SETTINGS = {
    "DJANGO_SECRET_KEY": "reliability-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "PUBCREDIT_SM4_KEY": "00112233445566778899aabbccddeeff",
    "PUBCREDIT_INDEX_KEY": "ab" * 32,
    "PUBCREDIT_POLICY": "xian",
    "PUBCREDIT_ENV_FILE": "/nonexistent",
    "PUBCREDIT_SEARCH_RATE": "1000000",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
# Tables compared before and after a crash, and between a database and its restored copy.
TABLES = (
    "subjects_subject",
    "records_record",
    "records_recordversion",
    "records_annotation",
    "collection_batch",
    "collection_rawupload",
    "objections_objection",
    "objections_objectionitem",
    "notices_notice",
    "disclosure_tombstone",
    "disclosure_querylogentry",
    "accounts_user",
    "core_auditevent",
)
SERVER_START_LIMIT = 120  # seconds for `pubcredit serve` to listen, or to stop (a loaded machine is slow)
_numbers = itertools.count(1)


def postgres_url() -> str | None:
    """The PostgreSQL URL of this pass of the suite, or None on the SQLite pass."""
    url = os.environ.get("PUBCREDIT_TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_name(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@dataclass
class Database:
    """One database of a test and the var dir (uploads, media) of the platform that uses it."""

    url: str
    var_dir: Path

    @property
    def vendor(self) -> str:
        return "sqlite" if self.url.startswith("sqlite:") else "postgresql"

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[1] if self.vendor == "postgresql" else self.url.removeprefix("sqlite:///")

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PUBCREDIT_", "DJANGO_", "DATABASE_URL"))}
        env.update(CHILD_SETTINGS)
        env["DATABASE_URL"] = self.url
        env["PUBCREDIT_VAR_DIR"] = str(self.var_dir)
        env.update(extra)
        return env

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read on the database (`%s` placeholders on both backends)."""
        if self.vendor == "sqlite":
            with closing(sqlite3.connect(self.name)) as conn:
                return list(conn.execute(sql.replace("%s", "?"), tuple(params)).fetchall())
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return list(conn.execute(sql, tuple(params)).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def counts(self) -> dict[str, int]:
        return {table: int(self.scalar(f"SELECT count(*) FROM {table}")) for table in TABLES}


def run(
    db: Database, *args: str, fault_at: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """A child process (`pubcredit ARGS` or `driver ARGS`) on `db`, optionally dying at a fault point."""
    extra = {"PUBCREDIT_FAULT_AT": fault_at} if fault_at else {}
    if args and args[0] == "driver":
        argv = [sys.executable, "-m", "tests.reliability.driver", *args[1:]]
    else:
        argv = [sys.executable, "-m", "pubcredit.cli", *args]
    return subprocess.run(
        argv, cwd=ROOT, env=db.env(**extra), capture_output=True, text=True, timeout=timeout, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def killed(result: subprocess.CompletedProcess[str]) -> None:
    """The child died by SIGKILL at its fault point (not by an error of its own)."""
    assert result.returncode == -9, f"exit {result.returncode}, expected SIGKILL\n{result.stdout}\n{result.stderr}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@contextmanager
def serving(db: Database, log: Path, *, workers: int, **extra: str) -> Iterator[tuple[int, int]]:
    """`pubcredit serve` (gunicorn) on `db` at a free loopback port: yields (port, server pid)."""
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "pubcredit.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=ROOT,
            env=db.env(**extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + SERVER_START_LIMIT
            while not listening(port):
                assert server.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "the platform did not start listening"
                time.sleep(0.1)
            yield port, server.pid
            assert server.poll() is None, "the platform died"
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=SERVER_START_LIMIT)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def audit_intact(db: Database) -> str:
    out = ok(run(db, "audit", "verify"))
    assert "intact" in out, out
    return out


# --- the session's template and each test's copy ---------------------------------------------------


def _pg_admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_with_name(url, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def make_template(base: Path) -> Database:
    """Migrate and seed one database for the whole session (a small demo city: see driver.seed)."""
    var_dir = base / "var"
    var_dir.mkdir(parents=True)
    pg = postgres_url()
    if pg is None:
        db = Database(f"sqlite:///{base / 'template.sqlite3'}", var_dir)
    else:
        name = f"{urlsplit(pg).path.lstrip('/')}_rt_tpl"
        _pg_admin(pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        db = Database(_with_name(pg, name), var_dir)
    ok(run(db, "driver", "seed", timeout=300))
    return db


def sqlite_backup(source: str, target: str) -> None:
    """A consistent copy of a live SQLite database by the online backup API."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def copy_of(template: Database, base: Path) -> Generator[Database, None, None]:
    """A fresh copy of the template for one test (a generator: the fixture drops it afterwards)."""
    var_dir = base / "var"
    shutil.copytree(template.var_dir, var_dir)
    if template.vendor == "sqlite":
        target = base / "platform.sqlite3"
        sqlite_backup(template.name, str(target))
        yield Database(f"sqlite:///{target}", var_dir)
        return
    name = f"{template.name.removesuffix('_tpl')}_{os.getpid()}_{next(_numbers)}"
    _pg_admin(
        template.url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name} TEMPLATE {template.name}"
    )
    try:
        yield Database(_with_name(template.url, name), var_dir)
    finally:
        _pg_admin(template.url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def drop_template(template: Database) -> None:
    if template.vendor == "postgresql":
        _pg_admin(template.url, f"DROP DATABASE IF EXISTS {template.name} WITH (FORCE)")
