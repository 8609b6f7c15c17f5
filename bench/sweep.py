"""The daily expiry sweep over 10,000,000 records: `pubcredit disclosure sweep --date …` timed.

    .venv/bin/python bench/sweep.py                       # on a copy of the big city
    .venv/bin/python bench/sweep.py --date 2026-11-22
    .venv/bin/python bench/sweep.py --max-seconds 50      # the catch-up as bounded nightly runs

The sweep changes the records, so it runs on a copy of the PostgreSQL big city (bench/bigcity.py
builds or reuses the original; the copy is made with CREATE DATABASE … TEMPLATE and dropped
afterwards). The command runs three times in child processes: up to the day before (the big
city was never swept, so this catches up on every period ended since 2019), then the day itself
(the daily figure: the periods ending that day), then the same day again (idempotent: nothing
left to change, so it shows the cost of finding nothing). With --max-seconds the catch-up is made
of runs given that time budget (`pubcredit disclosure sweep --max-seconds`), repeated until one
says it is complete, as an operator would run it on the first nights; each run is printed.
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


def _sweep(env: dict[str, str], on: dt.date, *extra: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    out = pubcredit(env, "disclosure", "sweep", "--date", on.isoformat(), *extra, capture=True).stdout.strip()
    elapsed = time.perf_counter() - started
    counts = [int(n) for n in re.findall(r"(\d+) (?:organisations'|persons'|hide requests)", out)]
    return elapsed, sum(counts), out


def _catch_up_in_runs(env: dict[str, str], on: dt.date, budget: int) -> None:
    times: list[float] = []
    total = 0
    while True:
        elapsed, changed, out = _sweep(env, on, "--max-seconds", str(budget))
        times.append(elapsed)
        total += changed
        print(f"  catch-up run {len(times)} (--max-seconds {budget}): {elapsed:.1f} s, {changed:,} records changed")
        if "time limit" not in out:
            break
    print(
        f"catch-up to the day before in {len(times)} runs of at most {budget} s each, --date {on}: "
        f"longest run {max(times):.1f} s (whole process), {sum(times):.1f} s in all, {total:,} records changed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--date", default="2026-11-22")
    parser.add_argument("--keep", action="store_true", help="keep the swept copy")
    parser.add_argument("--max-seconds", type=int, help="catch up in runs with this time budget each")
    args = parser.parse_args()
    build_bigcity(args.database)
    started = time.perf_counter()
    copy = _copy(args.database, args.database.rsplit("/", 1)[1] + "_sweep")
    print(f"copy of the big city made in {time.perf_counter() - started:.0f} s")
    env = bench_env(copy)
    day = dt.date.fromisoformat(args.date)
    runs: list[tuple[str, dt.date]] = [
        ("catch-up to the day before (every period ended since 2019)", day - dt.timedelta(days=1)),
        ("daily sweep", day),
        ("the same day again (idempotent)", day),
    ]
    try:
        if args.max_seconds:
            _catch_up_in_runs(env, day - dt.timedelta(days=1), args.max_seconds)
            runs = runs[1:]
        for label, on in runs:
            elapsed, changed, out = _sweep(env, on)
            print(f"{label}, --date {on}: {elapsed:.1f} s (whole process), {changed:,} records changed")
            print(f"  {out}")
    finally:
        if not args.keep:
            _drop(copy)


if __name__ == "__main__":
    main()
