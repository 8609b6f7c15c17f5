"""`pubcredit measures sweep [--date YYYY-MM-DD]`: flag measure tasks past their feedback due date
and tell the initiating departments. Idempotent: a second run on the same day flags nothing."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from pubcredit.core.cli_args import iso_date
from pubcredit.measures.services import tasks_sweep


class Command(BaseCommand):
    help = "Joint reward and sanction upkeep: flag tasks not fed back by their due date."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="flag overdue measure tasks")
        sweep.add_argument("--date", type=iso_date, help="the day to sweep for (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        day = options["date"] or timezone.localdate()
        flagged = tasks_sweep(on=day)
        self.stdout.write(
            f"Measures sweep for {day.isoformat()}: {flagged} tasks flagged overdue"
            f" in {time.monotonic() - started:.2f} s"
        )
