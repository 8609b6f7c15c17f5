"""The official calendar as published by the State Council, through the chinese_calendar package.

The package carries each year's notice (holidays and make-up working days, 调休) once it has been
released; it raises NotImplementedError for any other year, which `known_years` exposes instead.
"""

from __future__ import annotations

from datetime import date

import chinese_calendar
from chinese_calendar import Holiday

from pubcredit.core.workdays.types import DayInfo

PACKAGE_VERSION: str = chinese_calendar.__version__
FIRST_YEAR: int = min(chinese_calendar.holidays).year
LAST_YEAR: int = max(chinese_calendar.holidays).year


def knows(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _chinese_name(english: str) -> str:
    try:
        return str(Holiday(english).chinese)
    except ValueError:
        return english


def package_day(d: date) -> DayInfo:
    if not knows(d.year):
        raise ValueError(f"chinese_calendar {PACKAGE_VERSION} has no data for {d.year}")
    if d in chinese_calendar.workdays:
        return DayInfo(working=True, provisional=False, name=f"{_chinese_name(chinese_calendar.workdays[d])}调休上班")
    if d in chinese_calendar.holidays:
        return DayInfo(working=False, provisional=False, name=_chinese_name(chinese_calendar.holidays[d]))
    return DayInfo(working=d.weekday() < 5, provisional=False)
