"""`pubcredit objections sweep [--date YYYY-MM-DD]`: flag overdue objection stages and providers;
`pubcredit objections purge-orphans`: delete evidence files no application names.

Idempotent: a second run on the same day changes nothing. The demo runs it on a schedule.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.core.cli_args import iso_date
from pubcredit.objections.services import evidence_orphans_purge, objections_sweep


class Command(BaseCommand):
    help = "Objection upkeep: flag stages past their due date; apply the pack's rule for late providers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="flag overdue stages and late providers (escalate or stop query)")
        sweep.add_argument("--date", type=iso_date, help="the day to sweep for (default today)")
        sub.add_parser("purge-orphans", help="delete evidence files of filings that were refused or rolled back")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["action"] == "purge-orphans":
            purged = evidence_orphans_purge()
            self.stdout.write(f"Orphaned evidence files deleted: {purged} ({time.monotonic() - started:.2f} s)")
            return
        result = objections_sweep(on=options["date"])
        self.stdout.write(
            f"Objection sweep for {result.on.isoformat()}: {result.objections_flagged} stages flagged overdue, "
            f"{result.items_flagged} late provider answers escalated, {result.holds_placed} records withheld "
            f"from query in {time.monotonic() - started:.2f} s"
        )
