"""Working days (工作日) on China's official calendar, with operator-entered years and a flagged
provisional calendar for years not yet published. See docs/architecture.md, "Working days"."""

from pubcredit.core.workdays.arithmetic import (
    add_working_days,
    count_working_days,
    deadline_after,
    is_working_day,
    working_days_between,
)
from pubcredit.core.workdays.layered import PROVISIONAL_YEARS, LayeredCalendar, OperatorYear
from pubcredit.core.workdays.signals import calendar_year_published
from pubcredit.core.workdays.store import database_calendar
from pubcredit.core.workdays.types import (
    CalendarOutOfRange,
    CalendarSource,
    DayEntry,
    DayInfo,
    Deadline,
    WorkdayCount,
    WorkdaySpan,
)

__all__ = [
    "PROVISIONAL_YEARS",
    "CalendarOutOfRange",
    "CalendarSource",
    "DayEntry",
    "DayInfo",
    "Deadline",
    "LayeredCalendar",
    "OperatorYear",
    "WorkdayCount",
    "WorkdaySpan",
    "add_working_days",
    "calendar_year_published",
    "count_working_days",
    "database_calendar",
    "deadline_after",
    "is_working_day",
    "working_days_between",
]
