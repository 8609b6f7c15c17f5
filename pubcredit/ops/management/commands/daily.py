"""`pubcredit daily [--date YYYY-MM-DD]`: every daily job in order, the audit chain last.

Exit status 1 when any job failed or the audit chain is broken (operators get a message too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.core.cli_args import iso_date
from pubcredit.ops.daily import daily_run


class Command(BaseCommand):
    help = "Run the daily jobs (sweeps, purges) and verify the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=iso_date, help="the day to run for (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        results = daily_run(on=options["date"])
        for result in results:
            status = "ok" if result.ok else "FAILED"
            last = result.output.splitlines()[-1] if result.output else ""
            self.stdout.write(f"{status:6} {result.label:26} {result.seconds:7.2f} s  {last}")
        if not all(r.ok for r in results):
            raise SystemExit(1)
