"""Name search on a big city: p50/p95/p99 for 2-, 3- and 4-character queries.

    .venv/bin/python bench/search.py                        # PostgreSQL 1M subjects, HTTP, SQLite 1M
    .venv/bin/python bench/search.py --sqlite-subjects 200000 --skip-http

1. PostgreSQL with 1,000,000 subjects (bench/bigcity.py builds or reuses it): `subject_search`
   called in a Django process, queries drawn from real name fragments (a random 2-4 character
   piece of a random organisation's name without its legal form) plus one miss in five; and the
   old full scan (`icontains`) on the same queries for comparison.
2. The same queries through HTTP: GET /api/v1/subjects?q=… served by gunicorn sync workers
   (`pubcredit serve`'s command line) under wrk from loopback, by default one connection per
   worker (more connections only queue); the rate limit is lifted for it.
3. SQLite with `--sqlite-subjects` subjects (1,000,000 by default) inserted through the raw
   multi-row INSERT the resolver uses, so the FTS5 triggers do the indexing as in production.
4. `--insert-cost`: 250,000 subjects inserted by that INSERT … ON CONFLICT DO NOTHING, with and
   without the name index, on both databases.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bigcity import DEFAULT_URL, _org_rows, build_bigcity
from setup_db import ROOT, bench_env, free_port, migrate, recreate_postgres, start_gunicorn, wait_for_port, wrk

from pubcredit.ops.gunicorn import default_workers

LENGTHS = (2, 3, 4)
MISS_CHARACTERS = "甲乙丙丁戊己庚辛壬癸丑寅卯辰巳午申酉戌亥"
INSERT_COLUMNS = (
    "kind, name, name_normalized, uscc, uscc_legacy, id_number_cipher, id_number_index, id_number_masked,"
    " district, created_at, updated_at"
)


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "n": len(samples)}


def _queries(names: list[str], per_length: int, seed: int) -> dict[int, list[str]]:
    from pubcredit.subjects.normalise import name_core

    rng = random.Random(seed)
    out: dict[int, list[str]] = {}
    for length in LENGTHS:
        picked: list[str] = []
        while len(picked) < per_length:
            if rng.random() < 0.2:
                picked.append("".join(rng.choice(MISS_CHARACTERS) for _ in range(length)))
                continue
            core = name_core(rng.choice(names))
            if len(core) >= length:
                start = rng.randrange(len(core) - length + 1)
                picked.append(core[start : start + length])
        out[length] = picked
    return out


def _full_scan(query: str) -> list[object]:
    """The search as it was before the name index: every organisation's name compared and ranked."""
    from django.db.models import Case, IntegerField, Value, When
    from django.db.models.functions import Length

    from pubcredit.subjects.models import Subject
    from pubcredit.subjects.normalise import name_core, normalise_name

    normalised = normalise_name(query)
    core = name_core(normalised)
    ranked = (
        Subject.objects.filter(kind="org", name_normalized__icontains=core)
        .annotate(
            rank=Case(
                When(name_normalized=normalised, then=Value(0)),
                When(name_normalized__startswith=core, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            name_length=Length("name_normalized"),
        )
        .order_by("rank", "name_length", "id")
    )
    return list(ranked[:20])


def measure(url: str, per_length: int, full_scan: bool) -> dict[str, object]:
    """In this process: Django on `url`, `subject_search` timed per query (and the old scan)."""
    os.environ.update(bench_env(url))
    import django

    django.setup()
    from django.db import connection

    from pubcredit.subjects.models import Subject
    from pubcredit.subjects.selectors import subject_search

    names = list(Subject.objects.filter(kind="org").order_by("?").values_list("name_normalized", flat=True)[:5000])
    queries = _queries(names, per_length, seed=7)
    for query in queries[2][:20]:  # warm-up: connection, plan cache, pages
        subject_search(query)
    result: dict[str, object] = {"queries": queries}
    for length, batch in queries.items():
        timings = []
        found = 0
        for query in batch:
            started = time.perf_counter()
            found += bool(subject_search(query))
            timings.append((time.perf_counter() - started) * 1000)
        result[f"search{length}"] = {**_percentiles(timings), "hits": found}
        if full_scan:
            scan = []
            for query in batch[: max(20, per_length // 10)]:
                started = time.perf_counter()
                _full_scan(query)
                scan.append((time.perf_counter() - started) * 1000)
            result[f"scan{length}"] = _percentiles(scan)
    connection.close()
    return result


def _child_measure(url: str, per_length: int, full_scan: bool) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", url, "--per-length", str(per_length)]
        + (["--full-scan"] if full_scan else []),
        cwd=ROOT / "bench",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["queries"] = {int(k): v for k, v in result["queries"].items()}  # type: ignore[attr-defined]
    return result


def _print_search(label: str, result: dict[str, object]) -> None:
    print(label)
    for length in LENGTHS:
        r = result[f"search{length}"]
        assert isinstance(r, dict)
        line = (
            f"  {length} characters: p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  p99 {r['p99']:.1f} ms"
            f"  ({r['n']} queries, {r['hits']} with results)"
        )
        scan = result.get(f"scan{length}")
        if isinstance(scan, dict):
            line += f"   before (full scan): p50 {scan['p50']:.0f} ms p95 {scan['p95']:.0f} ms"
        print(line)


def http(url: str, queries: dict[int, list[str]], seconds: int, connections: int, workers: int) -> None:
    env = bench_env(url, PUBCREDIT_SEARCH_RATE="1000000000")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_gunicorn("config.wsgi:application", port, workers, env, ROOT)
        try:
            wait_for_port(port)
            print(f"GET /api/v1/subjects?q=… on PostgreSQL, gunicorn {workers} sync workers, wrk 2 x {connections}")
            for length in LENGTHS:
                paths = [f"/api/v1/subjects?q={urllib.parse.quote(q)}" for q in queries[length]]
                script = Path(tmp) / f"search{length}.lua"
                script.write_text(
                    "paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                    "counter = 0\nrequest = function()\n  counter = counter + 1\n"
                    "  return wrk.format('GET', paths[(counter % #paths) + 1])\nend\n",
                    encoding="utf-8",
                )
                wrk(port, script, 2, connections)
                r = wrk(port, script, seconds, connections)
                print(
                    f"  {length} characters: {r['rps']:,.0f} req/s  p50 {r['p50']:.1f} ms"
                    f"  p95 {r['p95']:.1f} ms  p99 {r['p99']:.1f} ms"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


def _insert_rows(count: int, seed: int) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    now = "2026-11-22 10:00:00+08"
    for line in _org_rows(count, seed):
        kind, name, normalised, uscc, district = line.rstrip("\n").split("\t")
        rows.append((kind, name, normalised, uscc, False, None, None, "", district, now, now))
    return rows


def _time_inserts(execute_chunk: object, rows: list[tuple[object, ...]]) -> float:
    started = time.perf_counter()
    for start in range(0, len(rows), 2000):
        execute_chunk(rows[start : start + 2000])  # type: ignore[operator]
    return time.perf_counter() - started


def _print_cost(backend: str, with_index: float, without: float) -> None:
    extra = with_index / without - 1
    print(f"  {backend:<11} {with_index:.1f} s with the name index, {without:.1f} s without ({extra:+.0%})")


def insert_cost(count: int) -> None:
    """The resolver's INSERT … ON CONFLICT DO NOTHING, 2,000 rows a statement, with and without the index."""
    import sqlite3

    import psycopg

    sys.path.insert(0, str(ROOT))
    os.environ.update(bench_env("sqlite:///unused"))
    migration = __import__("pubcredit.subjects.migrations.0002_name_search_index", fromlist=["x"])
    rows = _insert_rows(count, seed=11)
    sql = f"INSERT INTO subjects_subject ({INSERT_COLUMNS}) VALUES ({', '.join(['%s'] * 11)}) ON CONFLICT DO NOTHING"
    url = DEFAULT_URL.rsplit("/", 1)[0] + "/pc_bench_c_insert"
    recreate_postgres(url)
    migrate(bench_env(url))
    print(f"inserting {count:,} subjects by INSERT … ON CONFLICT DO NOTHING (2,000 rows a statement)")
    with psycopg.connect(url, autocommit=True) as conn:
        with_index = _time_inserts(lambda chunk: conn.cursor().executemany(sql, chunk), rows)
        conn.execute("TRUNCATE subjects_subject CASCADE")
        for statement in migration.POSTGRES_REVERSE:
            conn.execute(statement)
        without = _time_inserts(lambda chunk: conn.cursor().executemany(sql, chunk), rows)
    _print_cost("PostgreSQL", with_index, without)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "insert.sqlite3"
        migrate(bench_env(f"sqlite:///{path}"))
        conn_lite = sqlite3.connect(path, isolation_level=None)
        lite_sql = sql.replace("%s", "?")

        def chunk_lite(chunk: list[tuple[object, ...]]) -> None:
            conn_lite.execute("BEGIN")
            conn_lite.executemany(lite_sql, chunk)
            conn_lite.execute("COMMIT")

        with_index = _time_inserts(chunk_lite, rows)
        conn_lite.execute("DELETE FROM subjects_subject")
        for statement in migration.SQLITE_REVERSE:
            conn_lite.execute(statement)
        without = _time_inserts(chunk_lite, rows)
        conn_lite.close()
    _print_cost("SQLite", with_index, without)


def sqlite_city(path: Path, subjects: int) -> float:
    """Migrated SQLite file with `subjects` organisations inserted the resolver's way."""
    import sqlite3

    migrate(bench_env(f"sqlite:///{path}"))
    rows = _insert_rows(subjects, seed=4)
    conn = sqlite3.connect(path, isolation_level=None)
    sql = f"INSERT INTO subjects_subject ({INSERT_COLUMNS}) VALUES ({', '.join(['?'] * 11)}) ON CONFLICT DO NOTHING"

    def chunk(part: list[tuple[object, ...]]) -> None:
        conn.execute("BEGIN")
        conn.executemany(sql, part)
        conn.execute("COMMIT")

    seconds = _time_inserts(chunk, rows)
    conn.execute("ANALYZE")
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--per-length", type=int, default=300, help="queries per length")
    parser.add_argument("--sqlite-subjects", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=2, help="wrk connections (2: one per worker)")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--insert-cost", type=int, default=0, metavar="N", help="also time N inserts (250000)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--full-scan", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.per_length, args.full_scan), ensure_ascii=False))
        return
    build_bigcity(args.database)
    result = _child_measure(args.database, args.per_length, full_scan=True)
    _print_search("subject_search on PostgreSQL, 1,000,000 subjects (in process, one at a time)", result)
    if not args.skip_http:
        http(args.database, result["queries"], args.seconds, args.connections, args.workers)  # type: ignore[arg-type]
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "search.sqlite3"
            seconds = sqlite_city(path, args.sqlite_subjects)
            print(f"SQLite: {args.sqlite_subjects:,} organisations inserted (with triggers) in {seconds:.0f} s")
            lite = _child_measure(f"sqlite:///{path}", args.per_length, full_scan=True)
            _print_search(f"subject_search on SQLite, {args.sqlite_subjects:,} subjects", lite)
    if args.insert_cost:
        insert_cost(args.insert_cost)
    print(f"(command: {' '.join([Path(sys.executable).name, 'bench/search.py', *sys.argv[1:]])})")


if __name__ == "__main__":
    main()
