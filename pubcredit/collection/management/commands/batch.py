"""`pubcredit batch load FILE --item CF --user NAME`: a provider's file loaded from the server.

For initial loads and files too large to upload through a browser; it goes through the same
service as the upload page and the API, in the name of a provider's staff account, and prints the
outcome with its throughput.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pubcredit.accounts.models import User
from pubcredit.collection.models import BatchStatus
from pubcredit.collection.services.batches import batch_submit_file
from pubcredit.collection.services.uploads import orphan_files_purge, raw_uploads_purge
from pubcredit.core.cli_args import iso_date
from pubcredit.core.errors import DomainError

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Load a provider's CSV/XLSX file as one batch (whole or nothing unless --partial)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load a file for one catalogue item")
        load.add_argument("file", type=Path)
        load.add_argument("--item", required=True, help="catalogue item code, e.g. CF or XK")
        load.add_argument("--user", required=True, help="username of the provider's staff account")
        load.add_argument("--ref", default="", help="batch reference (default: from the file's SM3 digest)")
        load.add_argument("--partial", action="store_true", help="let valid rows land and report the others")
        load.add_argument("--tier", choices=["minor", "general", "severe"], help="tier for rows without one")
        purge = sub.add_parser(
            "purge-uploads", help="delete raw uploads past their retention period, and files no row refers to"
        )
        purge.add_argument("--date", type=iso_date, help="the day to sweep for (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "purge-uploads":
            result = raw_uploads_purge(today=options["date"])
            self.stdout.write(f"Raw uploads purged: {result.purged} files, {result.bytes:,} bytes")
            orphans = orphan_files_purge()
            self.stdout.write(f"Orphaned files removed: {orphans.purged} files, {orphans.bytes:,} bytes")
            return
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"File {path} does not exist")
        user = User.objects.filter(username=options["user"], is_active=True).select_related("organisation").first()
        if user is None or user.organisation is None:
            raise CommandError(f"No active staff account named {options['user']!r} with an organisation")
        started = time.monotonic()
        try:
            with path.open("rb") as stream:
                submitted = batch_submit_file(
                    actor=user,
                    provider=user.organisation,
                    item_code=options["item"],
                    stream=stream,
                    file_name=path.name,
                    ref=options["ref"],
                    partial=options["partial"],
                    default_tier=options["tier"],
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        seconds = time.monotonic() - started
        batch = submitted.batch
        if submitted.replayed:
            self.stdout.write(
                f"Batch {batch.ref} was already received on {batch.received_at:%Y-%m-%d %H:%M} "
                f"with the same content ({batch.status}); nothing changed"
            )
            return
        rate = batch.rows_total / seconds if seconds else 0.0
        self.stdout.write(
            f"Batch {batch.ref}: {batch.status}, {batch.rows_total} rows, {batch.rows_created} created, "
            f"{batch.rows_updated} updated, {batch.rows_unchanged} unchanged, {batch.rows_rejected} rejected "
            f"in {seconds:.1f} s ({rate:,.0f} rows/s)"
        )
        for problem in batch.problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  row {problem['row']}: {problem['message']}")
        if batch.problems_count > SHOWN_PROBLEMS:
            self.stdout.write(f"  ... {batch.problems_count} problems in all")
        if batch.status == BatchStatus.REJECTED:
            raise CommandError(f"Batch {batch.ref} was rejected; nothing was stored")
