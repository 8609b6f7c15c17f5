"""`pubcredit policy show|check|list`: read the regulation as the platform reads it.

Operators check what a pack says (and which article says it) before switching a deployment to
it; a new city's TOML file is checked with `policy check --dir` before it is copied in.
"""

from __future__ import annotations

import unicodedata
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pubcredit.core.cli_args import iso_date
from pubcredit.core.errors import ConfigurationError
from pubcredit.policy.loader import Pack, check_packs, load_packs
from pubcredit.policy.params import Param, PolicyValue
from pubcredit.policy.resolve import configured_pack_code, get_policy


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(rows: list[list[str]]) -> list[str]:
    """Aligned columns; the last column is left ragged."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(_pad(cell, w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip() for row in rows
    ]


def shown_value(value: PolicyValue) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value) if value else "[]"
    return str(value)


def _shown_article(param: Param) -> str:
    return f"{param.article} (from {param.since.isoformat()})" if param.since else param.article


def _dates(pack: Pack) -> tuple[str, str]:
    start = pack.effective_from.isoformat() if pack.effective_from else "—"
    end = pack.effective_to.isoformat() if pack.effective_to else "—"
    return start, end


class Command(BaseCommand):
    help = "Show, check and list the policy packs (the regulation as data)."
    requires_system_checks: list[str] = []  # reads only the packs; must work while other apps are broken

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="{show,check,list}")
        actions.required = True
        show = actions.add_parser("show", help="every parameter of a pack: value, pack it came from, article")
        show.add_argument("pack", nargs="?", help="pack code (default: settings.PUBCREDIT_POLICY)")
        show.add_argument("--on", type=iso_date, help="the date the values are in force (default: today)")
        show.add_argument("--notes", action="store_true", help="print each value's note under it")
        show.add_argument("--dir", type=Path, help="read packs from this directory instead")
        check = actions.add_parser("check", help="validate every pack and report every problem")
        check.add_argument("--dir", type=Path, help="check the packs in this directory instead")
        listing = actions.add_parser("list", help="the packs with their names and effective dates")
        listing.add_argument("--dir", type=Path, help="list the packs in this directory instead")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "show":
            self._show(options["pack"], options["on"], notes=options["notes"], directory=options["dir"])
        elif action == "check":
            self._check(options["dir"])
        else:
            self._list(options["dir"])

    def _show(self, code: str | None, on: date | None, *, notes: bool, directory: Path | None) -> None:
        day = on or timezone.localdate()
        policy = get_policy(day, pack=code, directory=directory)
        pack = load_packs(directory).get(policy.code)
        start, end = _dates(pack)
        self.stdout.write(f"Policy pack {policy.code} ({policy.name}): {policy.title}")
        if pack.code != "national":
            cited = f" ({pack.effective_article})" if pack.effective_article else ""
            self.stdout.write(f"Effective from {start} to {end}{cited}; values in force on {day.isoformat()}.")
            if pack.effective_note:
                self.stdout.write(f"    {pack.effective_note}")
        else:
            self.stdout.write(f"Values in force on {day.isoformat()}.")
        if not policy.in_force:
            self.stdout.write(f"{policy.code} is not in force on {day.isoformat()}: the national baseline applies.")
        self.stdout.write("")
        rows = [["KEY", "VALUE", "PACK", "ARTICLE"]]
        params = policy.params()
        for param in params:
            rows.append([param.key, shown_value(param.value), param.pack, _shown_article(param)])
        lines = _table(rows)
        self.stdout.write(lines[0])
        for line, param in zip(lines[1:], params, strict=True):
            self.stdout.write(line)
            if notes and param.note:
                self.stdout.write(f"    {param.note}")
        own = sum(1 for param in params if param.pack != "national")
        defaults = sum(1 for param in params if param.is_platform_default)
        origin = f"{own} from {policy.code}, " if policy.code != "national" else ""
        self.stdout.write("")
        self.stdout.write(
            f"{len(params)} parameters: {origin}{len(params) - own} from national "
            f'({defaults} of them platform defaults, article "平台默认").'
        )

    def _check(self, directory: Path | None) -> None:
        packs, problems = check_packs(directory)
        if directory is None and not problems:
            try:
                load_packs().get(configured_pack_code(), from_setting=True)
            except ConfigurationError as exc:
                problems.append(str(exc))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} problem(s) in the policy packs", returncode=1)
        self.stdout.write(f"{len(packs)} packs valid")

    def _list(self, directory: Path | None) -> None:
        packset = load_packs(directory)
        rows = [["CODE", "NAME", "FROM", "TO", "TITLE"]]
        for code in packset.codes:
            pack = packset.packs[code]
            start, end = _dates(pack)
            rows.append([code, pack.name, start, end, pack.title])
        for line in _table(rows):
            self.stdout.write(line)
