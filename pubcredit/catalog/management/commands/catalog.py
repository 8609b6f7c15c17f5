"""`pubcredit catalog seed [--update]`: load the seed catalogue; safe to run again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.catalog.services import catalog_seed
from pubcredit.core.errors import DomainError


class Command(BaseCommand):
    help = "Manage the public credit information catalogue (seed: load the built-in items)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["seed", "list"])
        parser.add_argument(
            "--update",
            action="store_true",
            help="publish a new version of items whose current content differs from the seed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for item in catalog_items_published():
                self.stdout.write(f"{item.code}\tv{item.version}\t{item.info_class}\t{item.kind}\t{item.name}")
            return
        try:
            result = catalog_seed(actor=None, update=options["update"])
        except DomainError as exc:
            raise CommandError(f"seed refused: {exc.code} ({exc.field}) {exc.message}") from exc
        self.stdout.write(
            f"catalogue seed: {len(result.created)} created, {len(result.unchanged)} unchanged, "
            f"{len(result.revised)} revised, {len(result.differs)} differ from the seed"
        )
        if result.differs:
            self.stdout.write("left as revised by operators (use --update to replace): " + ", ".join(result.differs))
