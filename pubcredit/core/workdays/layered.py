"""The calendar the platform counts with: operator entries over the package over the statute.

For a day of year Y:
1. an operator entry for Y whose year is official wins (the package may be wrong or late);
2. else the package, for the years it knows;
3. else, for a year the operator has published as official, an ordinary Monday-to-Friday week;
4. else, up to `PROVISIONAL_YEARS` past the last known year, the provisional calendar: operator
   draft entries, then the statutory holidays (statutory.py), flagged provisional;
5. beyond that, CalendarOutOfRange: a deadline years ahead on a guessed calendar would be wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pubcredit.core.workdays import official
from pubcredit.core.workdays.statutory import statutory_days_off
from pubcredit.core.workdays.types import CalendarOutOfRange, DayEntry, DayInfo

PROVISIONAL_YEARS = 2


@dataclass(frozen=True)
class OperatorYear:
    """What an operator entered for one year: only the exceptions to the Monday-to-Friday week."""

    official: bool
    days: Mapping[date, DayEntry] = field(default_factory=dict)


class LayeredCalendar:
    def __init__(self, operator_years: Mapping[int, OperatorYear] | None = None) -> None:
        self.operator_years: dict[int, OperatorYear] = dict(operator_years or {})
        official_years = [y for y, entry in self.operator_years.items() if entry.official]
        self.last_known_year = max([official.LAST_YEAR, *official_years])
        self.provisional_until = self.last_known_year + PROVISIONAL_YEARS

    def is_official_year(self, year: int) -> bool:
        entry = self.operator_years.get(year)
        return official.knows(year) or (entry is not None and entry.official)

    def day(self, d: date, /) -> DayInfo:
        operator = self.operator_years.get(d.year)
        if operator is not None and operator.official:
            entry = operator.days.get(d)
            if entry is not None:
                return DayInfo(working=entry.working, provisional=False, name=entry.name)
            if not official.knows(d.year):
                return DayInfo(working=d.weekday() < 5, provisional=False)
        if official.knows(d.year):
            return official.package_day(d)
        if official.LAST_YEAR < d.year <= self.provisional_until:
            entry = operator.days.get(d) if operator is not None else None
            if entry is None:
                entry = statutory_days_off(d.year).get(d)
            if entry is not None:
                return DayInfo(working=entry.working, provisional=True, name=entry.name)
            return DayInfo(working=d.weekday() < 5, provisional=True)
        raise CalendarOutOfRange(self._out_of_range_message(d))

    def _out_of_range_message(self, d: date) -> str:
        if d.year < official.FIRST_YEAR:
            return (
                f"日期 {d.isoformat()} 早于工作日历的起始年度 {official.FIRST_YEAR} 年，无法计算工作日；"
                "如确需计算，请在“工作日历”中录入并发布该年度安排。"
            )
        return (
            f"日期 {d.isoformat()} 超出工作日历范围：正式日历只到 {self.last_known_year} 年，"
            f"暂定计算只到 {self.provisional_until} 年；请在“工作日历”中录入并发布 {d.year} 年的节假日安排。"
        )
