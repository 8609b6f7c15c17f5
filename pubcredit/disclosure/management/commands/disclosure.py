"""`pubcredit disclosure sweep [--date YYYY-MM-DD]`: the daily expiry sweep, and the query log's;
`pubcredit disclosure expire-exports`: staff exports past their download window.

Idempotent: a second run on the same day changes nothing. The demo runs it on a schedule.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.core.cli_args import iso_date, positive_int
from pubcredit.disclosure.services.exports import export_requests_expire
from pubcredit.disclosure.services.query_log import query_log_purge
from pubcredit.disclosure.services.sweep import disclosure_sweep


class Command(BaseCommand):
    help = "Disclosure upkeep: apply period ends and due hide requests; purge old query log entries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="archive or purge records whose period has ended; apply hide requests")
        sweep.add_argument("--date", type=iso_date, help="the day to sweep for (default today)")
        sweep.add_argument(
            "--max-seconds",
            type=positive_int,
            help="stop after the chunk that spends this much time; the next run goes on (for a first catch-up)",
        )
        purge = sub.add_parser("purge-query-log", help="delete query log entries past their retention")
        purge.add_argument("--date", type=iso_date, help="the day to sweep for (default today)")
        sub.add_parser("expire-exports", help="expire staff exports past their download window and delete their files")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["action"] == "expire-exports":
            expired = export_requests_expire()
            self.stdout.write(f"Exports expired: {expired} ({time.monotonic() - started:.2f} s)")
            return
        if options["action"] == "purge-query-log":
            deleted = query_log_purge(on=options["date"])
            self.stdout.write(f"Query log entries deleted: {deleted} ({time.monotonic() - started:.2f} s)")
            return
        result = disclosure_sweep(on=options["date"], max_seconds=options["max_seconds"])
        self.stdout.write(
            f"Disclosure sweep for {result.on.isoformat()}: "
            f"{result.organisations_archived} organisations' records archived, "
            f"{result.persons_archived} persons' records archived, "
            f"{result.persons_purged} persons' records purged, "
            f"{result.hide_requests_applied} hide requests applied "
            f"({result.hidden_records_purged} records purged) in {time.monotonic() - started:.2f} s"
            + ("" if result.complete else "; stopped at the time limit, more is due: run it again to go on")
        )
