"""`pubcredit serve`: check the set-up, then hand the process over to gunicorn.

Sync workers with persistent database connections (CONN_MAX_AGE=None in settings), one per core
(docs/decisions/0001-one-sync-worker-per-core.md).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.ops import preflight
from pubcredit.ops.gunicorn import default_workers, gunicorn_argv, gunicorn_path


class Command(BaseCommand):
    help = "Check settings, policy pack and database, then serve the platform with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("PUBCREDIT_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PUBCREDIT_WORKERS", "0")))
        parser.add_argument("--check-only", action="store_true", help="run the checks and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        preflight.run_all()
        if options["check_only"]:
            self.stdout.write("pubcredit: settings, policy pack and database are ready")
            return
        workers = options["workers"] or default_workers()
        gunicorn = gunicorn_path()
        if gunicorn is None:
            self.stderr.write("pubcredit: gunicorn is not installed in this environment; run `make venv`.")
            sys.exit(2)
        self.stdout.write(f"pubcredit: serving on http://{options['bind']}/ with {workers} sync workers")
        sys.stdout.flush()
        os.execv(gunicorn, gunicorn_argv(gunicorn, "config.wsgi:application", bind=options["bind"], workers=workers))
