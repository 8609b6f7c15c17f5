"""The provisional calendar: statutory holidays for a year the official schedule does not cover yet.

《全国年节及纪念日放假办法》 as revised in 2024 (in force from 2025-01-01):
- 第二条: 新年 1 day (1 January); 春节 4 days (农历除夕 and 正月初一 to 初三); 清明节 1 day (the 清明
  solar term); 劳动节 2 days (1 and 2 May); 端午节 1 day (农历五月初五); 中秋节 1 day (农历八月十五);
  国庆节 3 days (1 to 3 October).
- 第六条: a holiday for all citizens that falls on a Saturday or Sunday is made up on a working day.
The State Council's yearly notice moves days around (调休) in ways no rule predicts; that is
exactly why everything computed here is flagged provisional.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from chinese_calendar import get_solar_terms
from lunardate import LunarDate

from pubcredit.core.workdays.types import DayEntry

_ONE_DAY = timedelta(days=1)


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> date:
    for day, term in get_solar_terms(date(year, 4, 1), date(year, 4, 30)):
        if term == "清明":
            return day
    raise ValueError(f"no 清明 solar term found in April {year}")


def _festivals(year: int) -> list[tuple[date, str]]:
    """第二条: the statutory days off of one Gregorian year, in date order."""
    new_year = _lunar(year, 1, 1)
    days = [
        (date(year, 1, 1), "元旦"),
        (new_year - _ONE_DAY, "春节"),  # 除夕: the day before 正月初一, whether the month has 29 or 30 days
        (new_year, "春节"),
        (new_year + _ONE_DAY, "春节"),
        (new_year + 2 * _ONE_DAY, "春节"),
        (_qingming(year), "清明"),
        (date(year, 5, 1), "劳动节"),
        (date(year, 5, 2), "劳动节"),
        (_lunar(year, 5, 5), "端午"),
        (_lunar(year, 8, 15), "中秋"),
        (date(year, 10, 1), "国庆节"),
        (date(year, 10, 2), "国庆节"),
        (date(year, 10, 3), "国庆节"),
    ]
    # When two festivals meet on one date (中秋 on 3 October in 2028) the day is off once.
    unique: dict[date, str] = {}
    for day, name in days:
        unique.setdefault(day, name)
    return sorted(unique.items())


@lru_cache(maxsize=16)
def statutory_days_off(year: int) -> dict[date, DayEntry]:
    """Every day off of `year` beyond ordinary weekends: the festivals and their 第六条 make-up days."""
    festivals = _festivals(year)
    off: dict[date, DayEntry] = {day: DayEntry(day, False, name) for day, name in festivals}
    for day, name in festivals:
        if day.weekday() < 5:
            continue
        candidate = day + _ONE_DAY
        while candidate.weekday() >= 5 or candidate in off:
            candidate += _ONE_DAY
        off[candidate] = DayEntry(candidate, False, f"{name}补假")
    return off
