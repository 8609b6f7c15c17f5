"""The statistics dashboard on the big city: rollup time, then page render times from the summary
tables (p50/p95/max), with 10,000,000 records and 1,000,000 query-log entries.

    .venv/bin/python bench/dashboard.py                      # postgres://…/pc_bench_c_big
    .venv/bin/python bench/dashboard.py --requests 50 --database postgres://…/other

1. The database of bench/bigcity.py (1,000,000 subjects, 10,000,000 records), migrated. Half of
   its eight providers are moved to other districts (for the district filter), and 1,000,000
   query-log entries over 2024-2026 are added once (a marker table remembers them).
2. The baseline: one bare `GROUP BY provider_id` count over the records, what a page would cost
   if it aggregated the source table on every view.
3. `rollup_run()` twice (`pubcredit statistics rollup`): every tally rebuilt from the sources.
4. The dashboard (`GET /statistics/`) as an operator through Django's test client (every
   middleware, the view, the templates and the SVG charts; no network), for four filters: the
   default last 12 months, all years, one provider, one district. Then one chart's XLSX.
Peak memory is the process's maximum resident set.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable

from bigcity import DEFAULT_URL, build_bigcity
from setup_db import bench_env, pubcredit

QUERY_LOG_MARKER = "bench_dashboard_query_log"
QUERY_LOG_ROWS = 1_000_000
QUERY_LOG_SQL = """
INSERT INTO disclosure_querylogentry (created_at, viewer_label, viewer_kind, organisation_id, subject_id,
    item_codes, purpose, basis, outcome, reason, retain_until, retain_article)
SELECT timestamptz '2024-01-01 00:00+08' + ((hashint8(g) & 2147483647) %% (3 * 365 * 86400)) * interval '1 second',
       '基准测试查询', (ARRAY['subject', 'authorised', 'sharing', 'provider', 'operator', 'check'])[1 + g %% 6],
       CASE WHEN g %% 3 = 0 THEN NULL ELSE (SELECT min(id) FROM accounts_organisation) + g %% 8 END,
       (SELECT min(id) FROM subjects_subject) + (hashint8(g + 1) & 2147483647) %% %(subjects)s,
       '[]'::jsonb, '基准测试', '', 'shown', '', date '2031-12-31', '基准测试'
FROM generate_series(1, %(rows)s) AS g
"""


def _mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _prepare(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE accounts_organisation SET district = CASE WHEN id % 2 = 0 THEN '雁塔区' ELSE '未央区' END"
            " WHERE is_provider AND name LIKE '%基准测试%'"
        )
        present = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = %s", [QUERY_LOG_MARKER]).fetchone()
        if present and present[0]:
            return
        subjects = conn.execute("SELECT count(*) FROM subjects_subject").fetchone()[0]  # type: ignore[index]
        started = time.perf_counter()
        conn.execute("SET synchronous_commit = off")
        conn.execute(QUERY_LOG_SQL, {"rows": QUERY_LOG_ROWS, "subjects": subjects})
        conn.execute(f"CREATE TABLE {QUERY_LOG_MARKER} (rows integer)")
        conn.execute(f"INSERT INTO {QUERY_LOG_MARKER} VALUES (%s)", [QUERY_LOG_ROWS])
        conn.execute("ANALYZE disclosure_querylogentry")
        print(f"query log: {QUERY_LOG_ROWS:,} entries added in {time.perf_counter() - started:.1f} s")


def _timed(label: str, count: int, request: Callable[[], object]) -> list[float]:
    for _ in range(3):  # warm: templates compiled, connection open
        request()
    seconds: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        request()
        seconds.append(time.perf_counter() - started)
    ms = [s * 1000 for s in seconds]
    print(
        f"  {label:<34} p50 {statistics.median(ms):7.1f} ms  p95 {_percentile(ms, 0.95):7.1f} ms"
        f"  max {max(ms):7.1f} ms  ({count} requests)"
    )
    return seconds


def run(args: argparse.Namespace) -> None:
    url = build_bigcity(args.database)
    _prepare(url)
    pubcredit(bench_env(url), "collectstatic", "--no-input", "-v0")  # the pages' stylesheet and icons
    os.environ.update(bench_env(url, DJANGO_SETTINGS_MODULE="config.settings", PUBCREDIT_DEBUG="0"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from pubcredit.accounts.models import Organisation, RoleGrant, User
    from pubcredit.core.roles import Role
    from pubcredit.statistics.rollup import rollup_run

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM records_record")
        records = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM disclosure_querylogentry")
        queries = int(cursor.fetchone()[0])
    print(f"Database: {records:,} records, {queries:,} query-log entries")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT provider_id, count(*) FROM records_record GROUP BY provider_id")
        cursor.fetchall()
    print(f"Baseline: a bare GROUP BY provider_id over the records: {time.perf_counter() - started:.2f} s")

    for attempt in range(2):
        result = rollup_run()
        print(f"Rollup {attempt + 1}: {result.rows:,} tallies in {result.seconds:.1f} s")

    centre = Organisation.objects.filter(is_provider=False).order_by("id").first()
    user, _ = User.objects.get_or_create(
        username="bench-dashboard-operator", defaults={"display_name": "统计基准", "organisation": centre}
    )
    RoleGrant.objects.get_or_create(user=user, role=Role.OPERATOR, organisation=user.organisation)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    provider = Organisation.objects.filter(is_provider=True, name__contains="基准测试").order_by("id").first()
    assert provider is not None

    def page_at(url: str) -> Callable[[], object]:
        def request() -> object:
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"GET {url} answered {response.status_code}")
            return response

        return request

    def page(query: str) -> Callable[[], object]:
        return page_at("/statistics/" + query)

    print("Dashboard, every chart, through the test client:")
    every: list[float] = []
    every += _timed("last 12 months (default)", args.requests, page(""))
    every += _timed("2019-01 to 2026-12", args.requests, page("?from=2019-01&to=2026-12"))
    every += _timed("one provider, all years", args.requests, page(f"?from=2019-01&to=2026-12&provider={provider.pk}"))
    every += _timed("one district, all years", args.requests, page("?from=2019-01&to=2026-12&district=雁塔区"))
    ms = [s * 1000 for s in every]
    print(
        f"  all {len(ms)} requests: p50 {statistics.median(ms):.1f} ms, p95 {_percentile(ms, 0.95):.1f} ms, "
        f"p99 {_percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms (target: each ≤ 1,000 ms)"
    )
    _timed(
        "one chart as XLSX, all years",
        max(5, args.requests // 3),
        page_at("/statistics/charts/collected.xlsx?from=2019-01&to=2026-12"),
    )
    print(f"Peak memory {_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=30)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
