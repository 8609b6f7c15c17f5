"""`pubcredit evaluation recompute [--all] [--date YYYY-MM-DD]`: compute the scores of the subjects
whose records or list entries changed since the last run (by watermark), or of every subject with
`--all`. `pubcredit evaluation check`: load and check every scorecard file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pubcredit.core.cli_args import iso_date
from pubcredit.evaluation.loader import load_scorecards
from pubcredit.evaluation.scores import scores_recompute


class Command(BaseCommand):
    help = "Credit evaluation: recompute scores, check scorecards."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser("recompute", help="recompute changed subjects' scores (or all with --all)")
        recompute.add_argument("--all", action="store_true", help="recompute every subject (the full batch)")
        recompute.add_argument("--date", type=iso_date, help="the day to evaluate on (default today)")
        sub.add_parser("check", help="load and check every scorecard file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            for code, versions in load_scorecards().items():
                listed = ", ".join(f"v{c.version} from {c.effective_from.isoformat()}" for c in versions)
                self.stdout.write(f"{code}: {listed}")
            return
        result = scores_recompute(on=options["date"], full=options["all"])
        self.stdout.write(
            f"Scores on {result.on.isoformat()} ({result.mode}): {result.subjects} subjects, {result.scores} scores, "
            f"{result.changed} written in {result.seconds:.2f} s"
        )
