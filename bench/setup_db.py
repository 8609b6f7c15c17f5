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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, seconds: float = 30) -> None:
    import socket
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"server on port {port} did not start")


def start_gunicorn(app: str, port: int, workers: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    """The command line `pubcredit serve` execs (sync workers, access log included)."""
    from pubcredit.ops.gunicorn import gunicorn_argv, gunicorn_path

    gunicorn = gunicorn_path()
    if gunicorn is None:
        sys.exit("gunicorn is not installed in this environment; run `make venv`")
    args = gunicorn_argv(gunicorn, app, bind=f"127.0.0.1:{port}", workers=workers)
    return subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# Appended to every wrk script: wrk's --latency table has no 95th percentile.
WRK_DONE = """
done = function(summary, latency, requests)
  for _, p in pairs({50, 95, 99}) do
    io.write(string.format("PCT %d %d\\n", p, latency:percentile(p)))
  end
end
"""


def wrk(port: int, script: Path, seconds: int, connections: int, threads: int = 2) -> dict[str, float]:
    """Run wrk with `script` (WRK_DONE appended); req/s and p50/p95/p99 in ms. Exits on any non-2xx."""
    full = script.with_suffix(".run.lua")
    full.write_text(script.read_text(encoding="utf-8") + WRK_DONE, encoding="utf-8")
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(full), f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{errors.group(1)} requests failed; wrk said:\n{out}")
    result = {"rps": rps}
    for pct, micros in re.findall(r"PCT (\d+) (\d+)", out):
        result[f"p{pct}"] = int(micros) / 1000
    return result
