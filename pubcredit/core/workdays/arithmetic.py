"""Counting working days (工作日).

Periods follow 民法典 第二百零一条: the day on which a period starts (the application is received)
is not counted, so a deadline of N working days is the N-th working day after that day; and
第二百零三条: a period cannot end on a statutory day off, which counting working days already ensures.

Each function takes the calendar as `source`; without one it reads the package and the operator
tables (`database_calendar()`), so a sweep over many rows should build one source and pass it.
"""

from __future__ import annotations

from datetime import date, timedelta

from pubcredit.core.workdays.types import CalendarSource, DayInfo, Deadline, WorkdayCount, WorkdaySpan

_ONE_DAY = timedelta(days=1)


def _resolve(source: CalendarSource | None) -> CalendarSource:
    if source is not None:
        return source
    from pubcredit.core.workdays.store import database_calendar

    return database_calendar()


def is_working_day(d: date, *, source: CalendarSource | None = None) -> DayInfo:
    return _resolve(source).day(d)


def add_working_days(start: date, n: int, *, source: CalendarSource | None = None) -> Deadline:
    """The n-th working day after `start` (n > 0) or before it (n < 0).

    n = 0 rolls `start` forward to the next working day (itself when it is one), the usual
    meaning of "on the next working day" for an act due on a day off.
    """
    calendar = _resolve(source)
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    current = start
    provisional = False
    if n == 0:
        info = calendar.day(current)
        provisional = info.provisional
        while not info.working:
            current += step
            info = calendar.day(current)
            provisional = provisional or info.provisional
        return Deadline(current, provisional)
    remaining = abs(n)
    while remaining:
        current += step
        info = calendar.day(current)
        provisional = provisional or info.provisional
        if info.working:
            remaining -= 1
    return Deadline(current, provisional)


def deadline_after(received_on: date, n: int, *, source: CalendarSource | None = None) -> Deadline:
    """民法典 第二百零一条: the N-th working day after the day of receipt; N = 0 (立即/即时) is that same day."""
    if n < 0:
        raise ValueError(f"a period of {n} working days is negative")
    if n == 0:
        return Deadline(received_on, provisional=False)
    return add_working_days(received_on, n, source=source)


def working_days_between(start: date, end: date, *, source: CalendarSource | None = None) -> WorkdaySpan:
    """The working days d with start < d <= end, counted the way `deadline_after` counts them."""
    calendar = _resolve(source)
    dates: list[date] = []
    provisional = False
    current = start + _ONE_DAY
    while current <= end:
        info = calendar.day(current)
        provisional = provisional or info.provisional
        if info.working:
            dates.append(current)
        current += _ONE_DAY
    return WorkdaySpan(tuple(dates), provisional)


def count_working_days(start: date, end: date, *, source: CalendarSource | None = None) -> WorkdayCount:
    """How many working days after `start` up to and including `end` (0 when end <= start)."""
    span = working_days_between(start, end, source=source)
    return WorkdayCount(span.count, span.provisional)
