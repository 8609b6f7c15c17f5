"""`pubcredit repairs sweep [--date YYYY-MM-DD]`: flag repair applications past their decision
due date and remind the provider. Idempotent: a second run on the same day flags nothing.
`pubcredit repairs purge-orphans`: delete proof files that no application refers to."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.core.cli_args import iso_date
from pubcredit.repairs.services import repair_proof_orphans_purge, repairs_sweep


class Command(BaseCommand):
    help = "Credit repair upkeep: flag applications not decided by their due date."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="flag overdue repair decisions and remind the providers")
        sweep.add_argument("--date", type=iso_date, help="the day to sweep for (default today)")
        sub.add_parser("purge-orphans", help="delete proof files of applications that were never stored")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["action"] == "purge-orphans":
            purged = repair_proof_orphans_purge()
            self.stdout.write(f"Orphaned repair proof files deleted: {purged} ({time.monotonic() - started:.2f} s)")
            return
        result = repairs_sweep(on=options["date"])
        self.stdout.write(
            f"Repairs sweep for {result.on.isoformat()}: {result.flagged} applications flagged overdue "
            f"in {time.monotonic() - started:.2f} s"
        )
