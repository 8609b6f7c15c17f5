"""The public record look-up on a big city: GET /api/v1/subjects/{uscc}/record under wrk.

    .venv/bin/python bench/lookup.py                 # needs wrk (scripts/system-packages --bench)
    .venv/bin/python bench/lookup.py --seconds 30 --connections 32

On the PostgreSQL big city (bench/bigcity.py builds or reuses it: 1,000,000 subjects, 10,000,000
records), the platform is served with `pubcredit serve`'s gunicorn command line (sync workers),
and beside it in the same run a bare WSGI app doing the equivalent SQL with psycopg
(bench/baseline_record_wsgi.py) under the same gunicorn settings. wrk drives both from loopback
over a few thousand organisations' USCCs; printed: req/s, p50/p95/p99 and the ratio.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

from bigcity import DEFAULT_URL, build_bigcity
from setup_db import ROOT, bench_env, free_port, start_gunicorn, wait_for_port, wrk

from pubcredit.ops.gunicorn import default_workers


def _usccs(url: str, count: int) -> list[str]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT uscc FROM subjects_subject TABLESAMPLE SYSTEM (2) REPEATABLE (7) WHERE kind = 'org' LIMIT %s",
            [count],
        ).fetchall()
    return [row[0] for row in rows]


def _records_in_answer(port: int, uscc: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/subjects/{uscc}/record", timeout=10) as answer:
        body = json.load(answer)
    return sum(len(group["records"]) for group in body["groups"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--subjects", type=int, default=5000, help="distinct USCCs requested")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: scripts/system-packages --bench")
    build_bigcity(args.database)
    usccs = _usccs(args.database, args.subjects)
    env = bench_env(args.database)
    results = {}
    shown = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "lookup.lua"
        script.write_text(
            "paths = {" + ",".join(json.dumps(f"/api/v1/subjects/{u}/record") for u in usccs) + "}\n"
            "counter = 0\nrequest = function()\n  counter = counter + 1\n"
            "  return wrk.format('GET', paths[(counter % #paths) + 1])\nend\n",
            encoding="utf-8",
        )
        for name, app, cwd in (
            ("platform", "config.wsgi:application", ROOT),
            ("psycopg", "baseline_record_wsgi:application", ROOT / "bench"),
        ):
            port = free_port()
            server = start_gunicorn(app, port, args.workers, env, cwd)
            try:
                wait_for_port(port)
                shown.append(sum(_records_in_answer(port, u) for u in usccs[:200]) / 200)
                # Warm-up: connections, and one pass over the subjects so that their pages are in
                # memory as in a running deployment (a first run after other work can be cold).
                wrk(port, script, 8, args.connections)
                results[name] = wrk(port, script, args.seconds, args.connections)
            finally:
                server.terminate()
                server.wait(timeout=30)
    print(
        f"GET /api/v1/subjects/{{uscc}}/record (public view) on PostgreSQL, 1,000,000 subjects / 10,000,000 records;"
        f" gunicorn {args.workers} sync workers, wrk 2 threads x {args.connections} connections, {args.seconds} s,"
        f" {len(usccs):,} organisations"
    )
    for (name, r), records in zip(results.items(), shown, strict=True):
        print(
            f"  {name:<9} {r['rps']:>8,.0f} req/s   p50 {r['p50']:.2f} ms   p95 {r['p95']:.2f} ms"
            f"   p99 {r['p99']:.2f} ms   ({records:.1f} records shown per answer)"
        )
    print(f"  platform/psycopg throughput ratio: {results['platform']['rps'] / results['psycopg']['rps']:.2f}")


if __name__ == "__main__":
    main()
