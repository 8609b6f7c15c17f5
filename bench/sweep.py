"""The daily expiry sweep over 10,000,000 records: `pubcredit disclosure sweep --date …` timed.

    .venv/bin/python bench/sweep.py                       # on a copy of the big city
    .venv/bin/python bench/sweep.py --date 2026-11-22

The sweep changes the records, so it runs on a copy of the PostgreSQL big city (bench/bigcity.py
builds or reuses the original; the copy is made with CREATE DATABASE … TEMPLATE and dropped
afterwards). The command runs three times in child processes: up to the day before (the big
city was never swept, so this catches up on every period ended since 2019), then the day itself
(the daily figure: the periods ending that day), then the same day again (idempotent: nothing
left to change, so it shows the cost of finding nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time

from bigcity import DEFAULT_URL, build_bigcity
from setup_db import bench_env, pubcredit


def _copy(url: str, name: str) -> str:
    import psycopg

    server, source = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {source}")
    return f"{server}/{name}"


def _drop(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--date", default="2026-11-22")
    parser.add_argument("--keep", action="store_true", help="keep the swept copy")
    args = parser.parse_args()
    build_bigcity(args.database)
    started = time.perf_counter()
    copy = _copy(args.database, args.database.rsplit("/", 1)[1] + "_sweep")
    print(f"copy of the big city made in {time.perf_counter() - started:.0f} s")
    env = bench_env(copy)
    day = dt.date.fromisoformat(args.date)
    runs = (
        ("catch-up to the day before (every period ended since 2019)", day - dt.timedelta(days=1)),
        ("daily sweep", day),
        ("the same day again (idempotent)", day),
    )
    try:
        for label, on in runs:
            started = time.perf_counter()
            out = pubcredit(env, "disclosure", "sweep", "--date", on.isoformat(), capture=True).stdout.strip()
            elapsed = time.perf_counter() - started
            counts = [int(n) for n in re.findall(r"(\d+) (?:organisations'|persons'|hide requests)", out)]
            print(f"{label}, --date {on}: {elapsed:.1f} s (whole process), {sum(counts):,} records changed")
            print(f"  {out}")
    finally:
        if not args.keep:
            _drop(copy)


if __name__ == "__main__":
    main()
