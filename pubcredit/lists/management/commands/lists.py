"""`pubcredit lists sweep [--date YYYY-MM-DD]`: end list entries whose term has ended.
Idempotent: a second run on the same day ends nothing. `pubcredit lists purge-orphans`: delete
decision files that no entry refers to."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from pubcredit.core.cli_args import iso_date
from pubcredit.lists.services import decision_files_orphans_purge, list_entries_sweep


class Command(BaseCommand):
    help = "List upkeep: end entries at the end of their term."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="end entries whose term ended before the day")
        sweep.add_argument("--date", type=iso_date, help="the day to sweep for (default today)")
        sub.add_parser("purge-orphans", help="delete decision files of entries that were never stored")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["action"] == "purge-orphans":
            purged = decision_files_orphans_purge()
            self.stdout.write(f"Orphaned decision files deleted: {purged} ({time.monotonic() - started:.2f} s)")
            return
        day = options["date"] or timezone.localdate()
        ended = list_entries_sweep(on=day)
        self.stdout.write(
            f"Lists sweep for {day.isoformat()}: {ended} entries ended in {time.monotonic() - started:.2f} s"
        )
