"""`pubcredit accounts purge-login-failures`: forget failed sign-in counts a day old.

Idempotent: a second run the same day deletes nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.accounts.lockout import login_throttles_purge


class Command(BaseCommand):
    help = "Account upkeep: forget failed sign-in counts whose last failure is a day old (locks stay)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("purge-login-failures", help="delete day-old failure counts of names that are not locked")

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = login_throttles_purge()
        self.stdout.write(f"Failed sign-in counts forgotten: {deleted}")
