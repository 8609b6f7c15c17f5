"""`pubcredit calendar import YEAR FILE.csv` and `pubcredit calendar show YEAR`.

Operators enter the State Council's holiday notice for a year the bundled calendar does not know
yet (or correct a day it gets wrong); `show` prints what the platform will count with.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pubcredit.core.errors import DomainError
from pubcredit.core.models import CalendarYear
from pubcredit.core.workdays import official
from pubcredit.core.workdays.csvfile import CalendarFileError, parse_calendar_csv
from pubcredit.core.workdays.services import calendar_year_import, calendar_year_publish
from pubcredit.core.workdays.store import database_calendar

_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class Command(BaseCommand):
    help = "Working-day calendar: import a year's holiday schedule, publish it, or show a year."

    # Touches only core tables: a problem elsewhere (another app's admin) must not block it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="replace a year's operator entries with a CSV file (date,working_day,name)")
        imp.add_argument("year", type=int)
        imp.add_argument("file", type=Path)
        imp.add_argument("--source", default="", help="the notice the schedule comes from (文号, date)")
        imp.add_argument("--draft", action="store_true", help="keep the year provisional instead of publishing it")
        pub = sub.add_parser("publish", help="mark an imported draft year official")
        pub.add_argument("year", type=int)
        show = sub.add_parser("show", help="print a year's days off and make-up working days")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options["year"], options["file"], options["source"], publish=not options["draft"])
            elif options["action"] == "publish":
                calendar_year_publish(actor=None, year=options["year"])
                self.stdout.write(f"{options['year']}: published as official")
            else:
                self._show(options["year"])
        except CalendarFileError as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _import(self, year: int, path: Path, source: str, *, publish: bool) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text; save the CSV as UTF-8") from None
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        entries = parse_calendar_csv(text, year)
        calendar_year = calendar_year_import(
            actor=None, year=year, entries=entries, source_note=source, publish=publish
        )
        off = sum(1 for e in entries if not e.working)
        self.stdout.write(
            f"{year}: imported {len(entries)} days ({off} off, {len(entries) - off} working), "
            f"status {calendar_year.status}"
        )

    def _show(self, year: int) -> None:
        calendar = database_calendar()
        if not calendar.is_official_year(year) and not official.LAST_YEAR < year <= calendar.provisional_until:
            raise CommandError(
                f"{year} is outside the calendar: official data ends in {calendar.last_known_year}, "
                f"provisional computation reaches {calendar.provisional_until}; import the year first"
            )
        stored = CalendarYear.objects.filter(year=year).first()
        if stored is not None and stored.is_official:
            origin = f"official, entered by operator ({stored.entered_by_label or '?'}, {stored.entered_at:%Y-%m-%d})"
        elif official.knows(year):
            origin = f"official (chinese_calendar {official.PACKAGE_VERSION})"
            if stored is not None:
                origin += "; a draft of operator entries exists and is not applied until published"
        else:
            origin = "PROVISIONAL: statutory holidays only (全国年节及纪念日放假办法), no make-up working days"
            if stored is not None:
                origin += ", with the operator's draft entries"
        self.stdout.write(f"{year} calendar: {origin}")
        if stored is not None and stored.source_note:
            self.stdout.write(f"source: {stored.source_note}")
        working = off = 0
        day = date(year, 1, 1)
        while day.year == year:
            info = calendar.day(day)
            working += info.working
            off += not info.working
            is_weekend = day.weekday() >= 5
            if info.working == is_weekend or info.name:
                state = "working" if info.working else "off"
                flag = "  (provisional)" if info.provisional else ""
                self.stdout.write(f"{day.isoformat()} {_WEEKDAYS[day.weekday()]}  {state:<8} {info.name}{flag}")
            day += timedelta(days=1)
        self.stdout.write(f"working days: {working}, days off: {off}")
