"""Full recomputation of every subject's scores on the big city: subjects/s, total time, peak
memory, the grade distribution, and the ratio to a bare aggregate over the records.

    .venv/bin/python bench/score.py                          # postgres://…/pc_bench_c_big
    .venv/bin/python bench/score.py --database postgres://…/other --date 2026-12-01

1. The database of bench/bigcity.py (1,000,000 subjects, 10,000,000 records; only read, apart
   from the evaluation app's own tables, migrated here first when missing).
2. The baseline: `SELECT count(*) FROM (SELECT subject_id, count(*) FROM records_record GROUP BY
   subject_id)`, the least any per-subject aggregate over the records costs in the same run.
3. `scores_recompute(full=True)`: every scorecard in force for every subject, as
   `pubcredit evaluation recompute --all` runs it (SQL aggregates per subject streamed in chunks,
   scored in Python, written by COPY and an upsert that leaves unchanged rows alone). Run twice
   with `--twice`: the second run finds every score unchanged and writes nothing.
Peak memory is the process's maximum resident set (resource.getrusage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time

from bigcity import DEFAULT_URL
from setup_db import bench_env, pubcredit


def _mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(args: argparse.Namespace) -> None:
    env = bench_env(args.database)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    if "evaluation_score" not in set(connection.introspection.table_names()):
        print("Migrating the evaluation app's tables ...")
        pubcredit(env, "migrate", "evaluation", "--no-input", "-v0")

    from pubcredit.evaluation.engine import grade_label
    from pubcredit.evaluation.loader import scorecards_in_force
    from pubcredit.evaluation.scores import scores_recompute
    from pubcredit.records.models import Record

    day = args.date or dt.date.today()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM subjects_subject")
        subjects = int(cursor.fetchone()[0])
        cursor.execute(f"SELECT count(*) FROM {Record._meta.db_table}")
        records = int(cursor.fetchone()[0])
    print(f"Database: {subjects:,} subjects, {records:,} records; evaluating on {day.isoformat()}")

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT subject_id, count(*) FROM {Record._meta.db_table} GROUP BY subject_id) s"
        )
        groups = int(cursor.fetchone()[0])
    baseline = time.monotonic() - started
    print(f"Baseline GROUP BY subject_id count over records: {groups:,} groups in {baseline:.2f} s")

    cards = scorecards_in_force(on=day)
    for attempt in range(2 if args.twice else 1):
        result = scores_recompute(on=day, full=True)
        print(
            f"Run {attempt + 1}: {result.subjects:,} subjects, {result.scores:,} scores "
            f"({', '.join(f'{c.code} v{c.version}' for c in cards)}), {result.changed:,} written"
        )
        print(
            f"  total {result.seconds:.2f} s, {result.subjects / result.seconds:,.0f} subjects/s, "
            f"{result.seconds / baseline:.1f}x the baseline, peak memory {_mb():,.0f} MB"
        )
    print("Grade distribution (last run):")
    for card in cards:
        counts = {grade: n for (code, grade), n in result.grades.items() if code == card.code}
        total = sum(counts.values()) or 1
        shown = ", ".join(
            f"{grade_label(card, g.code)} {counts.get(g.code, 0):,} ({100 * counts.get(g.code, 0) / total:.1f}%)"
            for g in card.grades
        )
        print(f"  {card.code}: {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--date", type=dt.date.fromisoformat, help="the day to evaluate on (default today)")
    parser.add_argument("--twice", action="store_true", help="run the full batch a second time (nothing changes)")
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        sys.exit("bench/score.py measures PostgreSQL: give --database postgres://...")
    run(args)


if __name__ == "__main__":
    main()
