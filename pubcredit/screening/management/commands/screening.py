"""`pubcredit screening work [--job ID] [--limit N]`: process queued screening jobs (and running
ones whose worker stopped), resuming where they stopped; idempotent, a finished job is left alone.
`pubcredit screening index`: build or refresh the candidate index now and save it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.screening.index import current_index
from pubcredit.screening.services import screening_work


class Command(BaseCommand):
    help = "Batch screening: process queued jobs, or build/refresh the candidate index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        work = sub.add_parser("work", help="process queued screening jobs (resumes interrupted ones)")
        work.add_argument(
            "--job", type=int, help="process this job only, even if another worker's lease is still running"
        )
        work.add_argument("--limit", type=int, help="stop after this many jobs")
        sub.add_parser("index", help="build or refresh the candidate index and save it to disk")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["action"] == "index":
            _index, report = current_index()
            self.stdout.write(
                f"Screening index {report.action}: {report.size} keys, {report.added} added in {report.seconds:.2f} s"
            )
            return
        jobs = screening_work(job_id=options.get("job"), limit=options.get("limit"))
        for job in jobs:
            self.stdout.write(f"Job {job.pk}: {job.state}, {job.processed_rows}/{job.total_rows or 0} rows")
        self.stdout.write(f"Screening work: {len(jobs)} jobs in {time.monotonic() - started:.2f} s")
