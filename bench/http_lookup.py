"""Requests per second and latency of a subject look-up served the way `pubcredit serve` does.

    .venv/bin/python bench/http_lookup.py            # needs `wrk` (Debian package wrk)

Loads a small demo city into a temporary SQLite database, starts gunicorn with the platform's
settings (sync workers, persistent connections) on 127.0.0.1, drives GET /api/v1/subjects/{id}
with wrk, then does the same against a bare WSGI app under the same gunicorn settings, and prints
req/s, p50/p99 latency and the platform/baseline ratio. Traffic stays on the loopback address.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setup_db import ROOT, bench_env, free_port, migrate, pubcredit, start_gunicorn, wait_for_port

from pubcredit.ops.gunicorn import default_workers

LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/subjects/" .. ((counter % %d) + 1))
end
"""


def _wrk(port: int, script: Path, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{errors.group(1)} requests failed; wrk said:\n{out}")

    def pct(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rps, "p50": pct("50"), "p99": pct("99")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(f"sqlite:///{tmp}/bench.sqlite3", PUBCREDIT_VAR_DIR=tmp)
        migrate(env)
        pubcredit(env, "collectstatic", "--no-input", "-v0")
        pubcredit(env, "demo", "load", "--organisations", "2000", "--persons", "0", "--records", "5000", capture=True)
        script = Path(tmp) / "lookup.lua"
        script.write_text(LUA.replace("%d", "2000"), encoding="utf-8")
        results = {}
        for name, app, cwd in (
            ("platform", "config.wsgi:application", ROOT),
            ("baseline", "baseline_wsgi:application", ROOT / "bench"),
        ):
            port = free_port()
            server = start_gunicorn(app, port, args.workers, env, cwd)
            try:
                wait_for_port(port)
                _wrk(port, script, 2, args.connections)  # warm-up: connections, caches
                results[name] = _wrk(port, script, args.seconds, args.connections)
            finally:
                server.terminate()
                server.wait(timeout=30)
    print(
        f"GET /api/v1/subjects/{{id}} on SQLite, gunicorn {args.workers} sync workers, "
        f"wrk 2 threads x {args.connections} connections, {args.seconds} s"
    )
    for name, r in results.items():
        print(f"  {name:<9} {r['rps']:>8,.0f} req/s   p50 {r['p50']:.2f} ms   p99 {r['p99']:.2f} ms")
    print(f"  platform/baseline throughput ratio: {results['platform']['rps'] / results['baseline']['rps']:.2f}")


if __name__ == "__main__":
    main()
