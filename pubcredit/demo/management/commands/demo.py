"""`pubcredit demo load` and `pubcredit demo accounts`: the demo city for `make demo`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from pubcredit.demo.accounts import DEMO_PASSWORD, demo_accounts
from pubcredit.demo.loader import demo_load
from pubcredit.demo.samples import write_sample_files


class Command(BaseCommand):
    help = "Load the deterministic demo city (load) or create and list one demo login per role (accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load departments, subjects and records (once)")
        load.add_argument("--seed", type=int, default=2026)
        load.add_argument("--organisations", type=int, default=8000)
        load.add_argument("--persons", type=int, default=2000)
        load.add_argument("--records", type=int, default=100_000)
        sub.add_parser("accounts", help="create the demo logins and print them")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            started = time.perf_counter()
            summary = demo_load(
                seed=options["seed"],
                organisations=options["organisations"],
                persons=options["persons"],
                records=options["records"],
                progress=lambda msg: self.stdout.write(f"  {msg}"),
            )
            if summary.skipped:
                self.stdout.write(
                    f"demo data already loaded ({summary.subjects} subjects, {summary.records} records); "
                    "nothing changed"
                )
                return
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"demo city loaded: {summary.organisations} departments, {summary.subjects} subjects, "
                f"{summary.records} records in {elapsed:.1f} s"
            )
            return
        logins = demo_accounts()
        self.stdout.write("")
        self.stdout.write("Platform: http://127.0.0.1:8000/   API docs: /api/docs   Admin: /admin/")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for login in logins:
            self.stdout.write(f"  {login.role_label:<10} {login.username:<18} {login.description}")
        samples = write_sample_files(Path(settings.VAR_DIR) / "demo-files")
        if samples:
            self.stdout.write("Files to try on the provider's upload page (/collection/batches/, login provider):")
            for path in samples:
                self.stdout.write(f"  {path}")
        self.stdout.write("")
