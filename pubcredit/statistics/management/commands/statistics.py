"""`pubcredit statistics rollup` rebuilds the summary tables; `warn` runs the early-warning sweep;
`purge-orphans` deletes archived-report files that no register entry names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Statistics: rebuild the summary tables (rollup) or raise and clear early warnings (warn)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rollup", help="rebuild every tally from the source tables (idempotent)")
        warn = sub.add_parser("warn", help="raise new early warnings and clear those whose condition is gone")
        warn.add_argument("--date", help="the day to sweep for (YYYY-MM-DD, default today)")
        sub.add_parser("purge-orphans", help="delete stored statistical-report files no archive entry names")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rollup":
            from pubcredit.statistics.rollup import rollup_run

            self.stdout.write(rollup_run().summary())
            return
        if options["action"] == "purge-orphans":
            from pubcredit.statistics.archive import statistical_report_orphans_purge

            self.stdout.write(f"{statistical_report_orphans_purge()} orphaned statistical-report files deleted")
            return
        from pubcredit.statistics.warning_services import warnings_sweep

        day = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD)") from exc
        self.stdout.write(warnings_sweep(on=day).summary())
