"""Credit report generation: median and p95 per report, the time of each phase (decision, HTML,
PDF, signing) and peak memory over N reports.

    .venv/bin/python bench/report.py                   # 50 full reports on a throw-away SQLite
    .venv/bin/python bench/report.py -n 200 --kind public
    .venv/bin/python bench/report.py --database-url postgres://postgres@127.0.0.1:5432/bench_report

A migrated database in a temporary directory (or the PostgreSQL database given, recreated) holds
one company with its account and `--records` records (default 5) over the basic, good and bad kinds (a
two-page report: the cover and the contents); a fresh signing key pair is written to the same
directory. Each report runs the whole service, `report_generate`, as the page does: the decision
through the self-query, the HTML template, the WeasyPrint lay-out, the PAdES signature, the SM3
archive and the audit event. The first report is timed apart (fonts and templates load once per
process). Peak memory is the process's maximum resident set (resource.getrusage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from setup_db import ROOT, bench_env, migrate, recreate_postgres


def _mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _scene(records: int) -> Any:
    from pubcredit.accounts.tests.factories import ProviderOrganisationFactory, SubjectAccountFactory
    from pubcredit.disclosure.tests.factories import make_record

    account = SubjectAccountFactory.create()
    subject = account.subject
    provider = ProviderOrganisationFactory.create()
    kinds = [("basic", "registration"), ("good", "commendation"), ("bad", "supervision")]
    for n in range(records):
        kind, info_class = kinds[n % len(kinds)]
        make_record(
            subject,
            kind=kind,
            info_class=info_class,
            openness="public" if n % 4 else "restricted",
            tier="general" if kind == "bad" else None,
            decided_on=dt.date(2025, 1 + n % 12, 1 + n % 27),
            by=provider,
            data={"CF_XDR_MC": subject.name, "CF_NR": f"第 {n + 1} 条：罚款人民币{n + 1}万元，责令改正"},
        )
    return account


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--reports", type=int, default=50, help="reports to time (default 50)")
    parser.add_argument("--kind", choices=["public", "full", "special"], default="full")
    parser.add_argument("--records", type=int, default=5, help="records of the subject (default 5: two pages)")
    parser.add_argument("--database-url", help="a PostgreSQL database to recreate and use (default: SQLite)")
    args = parser.parse_args()
    if args.reports < 1:
        sys.exit("--reports must be at least 1")

    workdir = Path(tempfile.mkdtemp(prefix="bench-report-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if args.database_url:
        recreate_postgres(url)
    env = bench_env(url, PUBCREDIT_VAR_DIR=str(workdir))
    migrate(env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings

    settings.PUBCREDIT_REPORT_SIGNING_KEY = str(workdir / "reports" / "signing-key.pem")
    settings.PUBCREDIT_REPORT_SIGNING_CERT = str(workdir / "reports" / "signing-cert.pem")

    from pubcredit.reports.models import Report
    from pubcredit.reports.services import Timings, report_generate
    from pubcredit.reports.signing import keys_generate

    keys_generate(common_name="bench", organisation="bench", days=30)
    account = _scene(args.records)
    today = dt.date.today()
    span = (today.replace(year=today.year - 3), today)
    fields = ["penalty", "compulsion", "severe_list", "criminal"] if args.kind == "special" else []

    def one() -> tuple[float, float, Timings]:
        timings = Timings()
        started, cpu = time.perf_counter(), time.process_time()
        report_generate(
            actor=account, kind=args.kind, span_from=span[0], span_to=span[1], fields=fields, timings=timings
        )
        return time.perf_counter() - started, time.process_time() - cpu, timings

    first, _, _ = one()
    load_before = os.getloadavg()[0]
    totals: list[float] = []
    cpu_totals: list[float] = []
    phases: dict[str, list[float]] = {}
    cpu_phases: dict[str, list[float]] = {}
    for _ in range(args.reports):
        total, cpu_total, timings = one()
        totals.append(total)
        cpu_totals.append(cpu_total)
        for name, seconds in timings.phases.items():
            phases.setdefault(name, []).append(seconds)
            cpu_phases.setdefault(name, []).append(timings.cpu[name])
    last = Report.objects.order_by("-id").first()
    assert last is not None
    engine = "PostgreSQL" if args.database_url else "SQLite"
    shape = f"{args.records} records, {last.pages} pages, {last.size:,} bytes"
    print(f"{args.reports} {args.kind} reports, {shape} ({engine})")
    print(f"first report (fonts and templates loading): {first * 1000:.0f} ms")
    print(
        f"per report: median {statistics.median(totals) * 1000:.0f} ms, p95 {_p95(totals) * 1000:.0f} ms (wall clock)"
    )
    cpu_median, cpu_p95 = statistics.median(cpu_totals) * 1000, _p95(cpu_totals) * 1000
    print(f"per report: median {cpu_median:.0f} ms, p95 {cpu_p95:.0f} ms (CPU time of this process)")
    print("phase      wall median     p95   CPU median     p95")
    for name in ("decision", "html", "pdf", "signing"):
        wall, cpu = phases.get(name, [0.0]), cpu_phases.get(name, [0.0])
        print(
            f"  {name:<9} {statistics.median(wall) * 1000:7.1f} ms {_p95(wall) * 1000:7.1f} ms"
            f" {statistics.median(cpu) * 1000:7.1f} ms {_p95(cpu) * 1000:7.1f} ms"
        )
    other = [t - sum(p[i] for p in phases.values()) for i, t in enumerate(totals)]
    other_cpu = [t - sum(p[i] for p in cpu_phases.values()) for i, t in enumerate(cpu_totals)]
    print(
        f"  {'other':<9} {statistics.median(other) * 1000:7.1f} ms {_p95(other) * 1000:7.1f} ms"
        f" {statistics.median(other_cpu) * 1000:7.1f} ms {_p95(other_cpu) * 1000:7.1f} ms (archive, audit, notes)"
    )
    print(f"peak memory: {_mb():.0f} MB")
    cores = os.cpu_count() or 1
    load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(f"load average: {load} on {cores} cores (wall clock exceeds CPU time when the machine is busy)")


if __name__ == "__main__":
    main()
