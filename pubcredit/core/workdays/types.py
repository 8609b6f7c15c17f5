"""Value types of the working-day calendar.

Every answer carries a `provisional` flag: a date the official calendar does not know yet is
computed from the statutory holidays only, and that must stay visible all the way to the stored
deadline and the screen, never silently become official.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from pubcredit.core.errors import DomainError


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Whether a day is a working day, and whether that answer is only provisional."""

    working: bool
    provisional: bool
    name: str = ""

    def __bool__(self) -> bool:
        # `if is_working_day(d):` must mean what it reads, not "a DayInfo exists".
        return self.working


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date; provisional when any day counted to reach it came from the provisional calendar."""

    date: date
    provisional: bool


@dataclass(frozen=True, slots=True)
class WorkdaySpan:
    """The working days d with start < d <= end (the day of receipt is not counted)."""

    dates: tuple[date, ...]
    provisional: bool

    @property
    def count(self) -> int:
        return len(self.dates)


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    days: int
    provisional: bool


@dataclass(frozen=True, slots=True)
class DayEntry:
    """One operator-entered exception to the Monday-to-Friday week (a holiday or a make-up working day)."""

    date: date
    working: bool
    name: str = ""
    note: str = ""


class CalendarSource(Protocol):
    """Anything that can classify a day; the arithmetic needs nothing else, so tests need no database."""

    def day(self, d: date, /) -> DayInfo: ...


class CalendarOutOfRange(DomainError):
    """A date neither the official calendar nor the provisional range covers: an error, never a guess."""

    code = "calendar_out_of_range"
