"""Batch screening on a big city: names per second, time per phase, peak memory, and precision
and recall on a labelled set.

    .venv/bin/python bench/screen.py                         # 10,000 names, 1,000,000 subjects
    .venv/bin/python bench/screen.py --names 2000 --pairs 500

1. The PostgreSQL database of bench/bigcity.py (1,000,000 subjects; built if missing, then only
   read). The candidate index is built from scratch (cold start), saved, loaded by a fresh
   process state and refreshed (warm start, what a new worker does), and refreshed again (what
   every job does).
2. `--names` input rows made from random organisations' names with the variants of the labelled
   set (brackets, region moved, suffix, one character wrong, traditional, full-width) plus 10%
   rows carrying the USCC and 10% names of firms not on the platform, screened in chunks of
   1,000 as the worker does (`screen_in_chunks`: the status lookups through pubcredit.measures
   run on two threads while the next chunks are matched): names/s and the time of each phase
   (candidates, scoring, and the time spent waiting for status lookups).
3. Precision and recall on `--pairs` labelled pairs (seeded; see pubcredit/screening/labelled.py):
   a pair counts as found when the row is "matched" to the subject it was made from; a true
   non-match counts against precision when it is matched to anything.
Peak memory is the process's maximum resident set (resource.getrusage).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from bigcity import DEFAULT_URL, build_bigcity
from setup_db import bench_env


def _mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sample(count: int, seed: int) -> list[tuple[int, str]]:
    from pubcredit.subjects.models import Subject, SubjectKind

    orgs = Subject.objects.filter(kind=SubjectKind.ORG)
    top = orgs.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(seed)
    wanted = sorted({rng.randint(1, top) for _ in range(count * 2)})
    rows: list[tuple[int, str]] = []
    for start in range(0, len(wanted), 5000):
        rows += list(orgs.filter(id__in=wanted[start : start + 5000]).values_list("id", "name"))
    rng.shuffle(rows)
    return rows[:count]


def _tables_exist(*names: str) -> bool:
    from django.db import connection

    present = set(connection.introspection.table_names())
    return all(name in present for name in names)


def run(args: argparse.Namespace) -> None:
    index_dir = Path(args.index_dir or tempfile.mkdtemp(prefix="screening-index-"))
    os.environ.update(bench_env(args.database, PUBCREDIT_SCREENING_INDEX_DIR=str(index_dir)))
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from pubcredit.screening import index as index_module
    from pubcredit.screening.labelled import labelled_pairs, measure
    from pubcredit.screening.matching import InputRow, PhaseTimes, screen_in_chunks, screen_rows
    from pubcredit.screening.models import Outcome
    from pubcredit.subjects.models import Subject

    settings.PUBCREDIT_SCREENING_INDEX_DIR = str(index_dir)
    organisations = Subject.objects.filter(kind="org").count()
    print(f"Database: {organisations:,} organisations, {Subject.objects.count():,} subjects")

    # 1. The index: cold build, warm load + refresh, refresh.
    path = index_module._cache_path("default")
    if path is not None and path.exists() and args.rebuild:
        path.unlink()
    started = time.perf_counter()
    index, report = index_module.current_index()
    seconds = time.perf_counter() - started
    print(f"Index {report.action}: {seconds:.1f} s, {len(index):,} keys (peak RSS {_mb():.0f} MB)")
    index_module.forget_indexes()
    started = time.perf_counter()
    index, report = index_module.current_index()
    print(f"Index {report.action} (new worker process state): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    index, report = index_module.current_index()
    print(f"Index {report.action} (start of each job): {time.perf_counter() - started:.2f} s")

    # 2. Throughput.
    rng = random.Random(args.seed)
    subjects = _sample(max(args.names, args.pairs), args.seed)
    with_code = [s[0] for s in subjects[: args.names // 10]]
    uscc_of = dict(Subject.objects.filter(id__in=with_code).values_list("id", "uscc"))
    pairs = labelled_pairs(subjects, count=args.names, seed=args.seed + 1, index=index, negative_share=0.1)
    rows = []
    for number, pair in enumerate(pairs, start=2):
        code = uscc_of.get(pair.expected or 0, "") if rng.random() < 0.5 else ""
        rows.append(InputRow(number=number, name=pair.query, code=code or ""))
    on = timezone.localdate()
    status_ok = _tables_exist("lists_listentry", "measures_measure")
    if not status_ok:
        print("Status lookup: the lists/measures tables are not in this database (built before they existed);")
        print("  the status phase is timed as 0 below. Rebuild the big city to include it.")
    for attempt in range(1, args.passes + 1):
        times = PhaseTimes()
        started = time.perf_counter()
        results = []
        if status_ok:
            for chunk_results in screen_in_chunks(rows, index=index, organisation_id=None, on=on, times=times):
                results += chunk_results
        else:
            from pubcredit.screening import matching

            saved = matching.standings
            matching.standings = lambda ids, **_: {}
            try:
                for chunk_results in screen_in_chunks(rows, index=index, organisation_id=None, on=on, times=times):
                    results += chunk_results
            finally:
                matching.standings = saved
        elapsed = time.perf_counter() - started
        matched = sum(1 for r in results if r.outcome == Outcome.MATCHED)
        looked_up = sum(1 for r in results for c in r.candidates if c.standing)
        print(
            f"Pass {attempt}: screened {len(rows):,} names in {elapsed:.2f} s = {len(rows) / elapsed:,.0f} names/s "
            f"({matched:,} matched); phases: candidates {times.candidates:.2f} s, scoring {times.scoring:.2f} s, "
            f"waiting for status lookups {times.status:.2f} s ({looked_up:,} candidates); without them "
            f"{len(rows) / max(elapsed - times.status, 1e-9):,.0f} names/s"
        )
    print(f"Peak RSS {_mb():.0f} MB")

    # 3. Quality.
    labelled = labelled_pairs(subjects, count=args.pairs, seed=args.seed + 2, index=index)
    answers = []
    from pubcredit.screening import matching

    saved = matching.standings
    matching.standings = lambda ids, **_: {}
    try:
        screened = screen_rows(
            [InputRow(number=n, name=p.query) for n, p in enumerate(labelled, start=2)],
            index=index,
            organisation_id=None,
            on=on,
        )
    finally:
        matching.standings = saved
    for result in screened:
        best = result.candidates[0].subject_id if result.candidates and result.outcome == Outcome.MATCHED else None
        answers.append(best)
    quality = measure(labelled, answers)
    print(
        f"Labelled set: {quality.pairs} pairs ({quality.positives} to find, {quality.pairs - quality.positives} true "
        f"non-matches): precision {quality.precision:.3f}, recall {quality.recall:.3f}"
    )
    for kind, (right, total) in sorted(quality.by_kind.items()):
        print(f"  {kind:18} {right:5}/{total:<5} right")
    print(f"(command: {' '.join([Path(sys.executable).name, 'bench/screen.py', *sys.argv[1:]])})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--passes", type=int, default=2, help="screen the names this many times (cold, then warm)")
    parser.add_argument("--index-dir", help="where the index file goes (default: a new temporary directory)")
    parser.add_argument("--rebuild", action="store_true", help="delete the saved index first")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is (no build, no migrate)")
    args = parser.parse_args()
    if not args.reuse:
        build_bigcity(args.database)
    run(args)


if __name__ == "__main__":
    main()
