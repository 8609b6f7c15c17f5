"""The default calendar source: the package plus whatever operators entered in the database."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pubcredit.core.workdays.layered import LayeredCalendar, OperatorYear
from pubcredit.core.workdays.types import DayEntry


def database_calendar() -> LayeredCalendar:
    """Load every operator year (a handful of rows) once; build one per sweep, not one per row."""
    from pubcredit.core.models import CalendarDay, CalendarYear

    days: dict[int, dict[date, DayEntry]] = defaultdict(dict)
    for day in CalendarDay.objects.select_related("calendar_year").order_by("date"):
        days[day.calendar_year.year][day.date] = DayEntry(day.date, day.is_working_day, day.name, day.note)
    years = {
        row.year: OperatorYear(official=row.is_official, days=days.get(row.year, {}))
        for row in CalendarYear.objects.all()
    }
    return LayeredCalendar(years)
