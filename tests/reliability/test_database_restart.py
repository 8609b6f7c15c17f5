"""PostgreSQL stopped and started again under load: requests fail cleanly and recover without
restarting the platform.

The test creates its own throw-away cluster (Debian's initdb and pg_ctl, on a free port and a
socket in its own directory, never the machine's server at 5432), restores the session's seeded
database into it, serves the platform with `pubcredit serve` (gunicorn, 2 sync workers) on a
free port, and drives public look-ups and searches from threads while the cluster stops and
starts. It runs in the PostgreSQL pass of the suite.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.reliability.support import PG_BIN, Database, free_port, ok, postgres_url, run, serving

pytestmark = [pytest.mark.postgres_only]

WORKERS = 2
THREADS = 4
REQUEST_TIMEOUT = 30  # seconds; a request still unanswered then counts as a hang
WAIT_LIMIT = 120  # seconds for any one phase, so that a broken platform fails the test instead of hanging it
CLEAN_FAILURES = {503}  # the database could not be reached: retry (core/error_views.py)


def _wait(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


@dataclass
class Cluster:
    """A throw-away PostgreSQL 15 cluster in a temporary directory, run as the `postgres` user when root."""

    directory: Path
    port: int

    def _as_owner(self, *argv: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        argv = [str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-l", str(self.directory / "log")]
        subprocess.run(
            self._as_owner(*argv, "-o", options, "-w", *args),
            check=True,
            timeout=WAIT_LIMIT,
            capture_output=True,
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.directory / "data"), "-U", "postgres", "-A", "trust"]
        subprocess.run(
            self._as_owner(*initdb, "-E", "UTF8", "--no-locale", "--no-sync"),
            check=True,
            timeout=WAIT_LIMIT,
            capture_output=True,
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    if postgres_url() is None:
        pytest.skip("runs in the PostgreSQL pass of the suite (PUBCREDIT_TEST_DATABASE_URL)")
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL 15 server binaries are not installed ({PG_BIN})")
    # Not under pytest's tmp dir, which the postgres user cannot enter.
    made = Cluster(Path(tempfile.mkdtemp(prefix="pubcredit-pg-")), free_port())
    try:
        made.init()
        made.ctl("start")
        yield made
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # never started, or already stopped
            made.ctl("-m", "immediate", "stop")
        with contextlib.suppress(OSError):
            shutil.copy(made.directory / "log", tmp_path / "postgresql.log")  # kept for a failure's reader
        shutil.rmtree(made.directory, ignore_errors=True)


@pytest.fixture
def platform(cluster: Cluster, template: Database, tmp_path: Path) -> Iterator[tuple[Database, int, int]]:
    """The seeded city restored into the cluster and served by `pubcredit serve`: (db, port, server pid)."""
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE pubcredit")
    dump = tmp_path / "seed.dump"
    subprocess.run([str(PG_BIN / "pg_dump"), "-Fc", "-f", str(dump), template.url], check=True, timeout=WAIT_LIMIT)
    restore = [str(PG_BIN / "pg_restore"), "--no-owner", "--exit-on-error", "-d", cluster.url("pubcredit")]
    subprocess.run([*restore, str(dump)], check=True, timeout=WAIT_LIMIT)
    db = Database(cluster.url("pubcredit"), tmp_path / "var")
    db.var_dir.mkdir()
    ok(run(db, "collectstatic", "--no-input", "-v0"))  # the error pages load the static manifest
    with serving(db, tmp_path / "serve.log", workers=WORKERS) as (port, pid):
        yield db, port, pid


@dataclass
class Answer:
    sent: float
    done: float
    status: int | None  # None: no answer (an exception)
    body: bytes = b""
    error: str = ""


@dataclass
class Traffic:
    """Threads sending public look-ups and searches one after another until stopped."""

    port: int
    paths: list[str]
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _one(self, path: str) -> Answer:
        sent = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            return Answer(sent, time.monotonic(), response.status, body)
        except (OSError, http.client.HTTPException) as exc:
            return Answer(sent, time.monotonic(), None, error=f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def _loop(self, offset: int) -> None:
        n = offset
        while not self.stop.is_set():
            answer = self._one(self.paths[n % len(self.paths)])
            n += 1
            with self.lock:
                self.answers.append(answer)

    def since(self, moment: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.sent >= moment]

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        return threads


def _recovered(traffic: Traffic, since: float, until: float) -> None:
    """After the database is back (and before anything else happens to it), each worker may fail at
    most the one request that finds its connection broken; then every request succeeds."""
    after = sorted((a for a in traffic.since(since) if a.done < until), key=lambda a: a.sent)
    assert sum(a.status != 200 for a in after) <= WORKERS
    assert all(a.status == 200 for a in after[-40:])


def test_requests_fail_cleanly_while_postgresql_is_down_and_succeed_again_after_it_restarts(
    cluster: Cluster, platform: tuple[Database, int, int]
) -> None:
    db, port, server_pid = platform
    usccs = [row[0] for row in db.rows("SELECT uscc FROM subjects_subject WHERE uscc <> '' ORDER BY id LIMIT 3")]
    paths = [f"/api/v1/subjects/{uscc}/record" for uscc in usccs] + [f"/api/v1/subjects?q={quote('西安')}"]
    traffic = Traffic(port, paths)

    def answered(since: float, count: int, status: int | None = None) -> bool:
        return sum(status is None or a.status == status for a in traffic.since(since)) >= count

    threads = traffic.run()
    try:
        begun = time.monotonic()
        _wait(lambda: answered(begun, 40, 200), "answers before the stop")
        # 1. Stopped for a while, then started: every request in between fails, none hangs.
        cluster.ctl("-m", "fast", "stop")
        stopped = time.monotonic()
        _wait(lambda: answered(stopped, 20), "answers while the database is down")
        starting = time.monotonic()
        cluster.ctl("start")
        started = time.monotonic()
        _wait(lambda: answered(started, 60, 200), "answers after the start")
        # 2. Restarted at once while the workers hold open connections.
        restarting = time.monotonic()
        cluster.ctl("-m", "fast", "restart")
        restarted = time.monotonic()
        _wait(lambda: answered(restarted, 60, 200), "answers after the restart")
    finally:
        traffic.stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    answers = traffic.answers
    assert not [a.error for a in answers if a.status is None], "requests without an answer (hang or reset)"
    assert {a.status for a in answers} <= {200} | CLEAN_FAILURES
    for failed in (a for a in answers if a.status != 200):
        assert b"Traceback" not in failed.body, failed.body[:300]
        if failed.status == 503:  # the database could not be reached: the API says so, to retry
            assert json.loads(failed.body)["code"] == "unavailable", failed.body[:300]
    down = [a for a in answers if stopped <= a.sent < starting]  # sent while no database listened
    assert down and all(a.status in CLEAN_FAILURES for a in down)
    _recovered(traffic, started, restarting)
    _recovered(traffic, restarted, float("inf"))
    os.kill(server_pid, 0)  # the same platform process served it all: never restarted
