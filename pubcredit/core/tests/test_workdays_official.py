"""Working days on the official calendar (the years the chinese_calendar package knows)."""

from __future__ import annotations

from datetime import date

import pytest

from pubcredit.core.workdays import (
    LayeredCalendar,
    OperatorYear,
    add_working_days,
    count_working_days,
    deadline_after,
    is_working_day,
    working_days_between,
)
from pubcredit.core.workdays.types import DayEntry

CAL = LayeredCalendar()


@pytest.mark.parametrize("day", [date(2025, 10, d) for d in range(1, 9)])
def test_national_day_2025_is_off_from_the_1st_to_the_8th(day: date) -> None:
    info = is_working_day(day, source=CAL)
    assert not info.working
    assert not info.provisional
    assert info.name in {"国庆节", "中秋"}  # 2025: 中秋 (6 October) falls inside the National Day week


@pytest.mark.parametrize("day", [date(2025, 9, 28), date(2025, 10, 11)])
def test_national_day_2025_make_up_weekend_days_are_worked(day: date) -> None:
    assert day.weekday() >= 5
    info = is_working_day(day, source=CAL)
    assert info.working
    assert info.name.endswith("调休上班")


def test_national_day_2026_and_its_make_up_days() -> None:
    assert [is_working_day(date(2026, 10, d), source=CAL).working for d in range(1, 9)] == [
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    assert is_working_day(date(2026, 9, 20), source=CAL).working  # Sunday
    assert is_working_day(date(2026, 10, 10), source=CAL).working  # Saturday
    assert not is_working_day(date(2026, 10, 11), source=CAL).working


def test_spring_festival_2026() -> None:
    off = [date(2026, 2, d) for d in range(15, 24)]
    assert not any(is_working_day(d, source=CAL) for d in off)
    assert is_working_day(date(2026, 2, 14), source=CAL).working  # Saturday before, worked
    assert is_working_day(date(2026, 2, 28), source=CAL).working  # Saturday after, worked
    assert is_working_day(date(2026, 2, 13), source=CAL).working  # last working day before the holiday
    # Received on the Friday before: the 1st working day after it is the make-up Saturday.
    assert deadline_after(date(2026, 2, 13), 1, source=CAL).date == date(2026, 2, 14)
    assert deadline_after(date(2026, 2, 13), 2, source=CAL).date == date(2026, 2, 24)


def test_deadline_across_national_day_2025() -> None:
    # 西安 第二十九条-style 5 WD from Tuesday 30 September: 9 (Thu), 10 (Fri), 11 (Sat, make-up), 13, 14.
    deadline = deadline_after(date(2025, 9, 30), 5, source=CAL)
    assert deadline.date == date(2025, 10, 14)
    assert deadline.provisional is False


def test_day_of_receipt_is_not_counted() -> None:
    # 民法典 第二百零一条: received Monday 2026-03-02, 1 WD -> Tuesday, not Monday.
    assert deadline_after(date(2026, 3, 2), 1, source=CAL).date == date(2026, 3, 3)
    # Received on a Saturday: the first working day after it is Monday.
    assert deadline_after(date(2026, 3, 7), 1, source=CAL).date == date(2026, 3, 9)


def test_zero_working_days_means_the_same_day() -> None:
    assert deadline_after(date(2026, 10, 3), 0, source=CAL).date == date(2026, 10, 3)
    assert deadline_after(date(2030, 1, 1), 0, source=CAL).provisional is False  # no calendar needed
    # add_working_days(…, 0) rolls a day off forward instead.
    assert add_working_days(date(2026, 10, 3), 0, source=CAL).date == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 8), 0, source=CAL).date == date(2026, 10, 8)


def test_negative_periods_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        deadline_after(date(2026, 3, 2), -1, source=CAL)


def test_last_working_day_before_a_holiday() -> None:
    assert add_working_days(date(2025, 10, 1), -1, source=CAL).date == date(2025, 9, 30)
    assert add_working_days(date(2026, 2, 15), -1, source=CAL).date == date(2026, 2, 14)  # the make-up Saturday
    assert add_working_days(date(2026, 10, 1), -1, source=CAL).date == date(2026, 9, 30)


def test_counting_matches_adding() -> None:
    span = working_days_between(date(2026, 9, 30), date(2026, 10, 12), source=CAL)
    assert span.dates == (date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12))
    assert count_working_days(date(2026, 9, 30), date(2026, 10, 12), source=CAL).days == 4
    assert count_working_days(date(2026, 10, 12), date(2026, 9, 30), source=CAL).days == 0


def test_day_info_is_falsy_on_a_day_off() -> None:
    assert not is_working_day(date(2026, 10, 1), source=CAL)
    assert is_working_day(date(2026, 10, 9), source=CAL)


def test_official_operator_entries_override_the_package_only_where_given() -> None:
    extra = date(2026, 12, 31)  # e.g. a one-off day off decided after the package was released
    calendar = LayeredCalendar({2026: OperatorYear(official=True, days={extra: DayEntry(extra, False, "特别假日")})})
    assert not is_working_day(extra, source=calendar).working
    assert is_working_day(extra, source=calendar).name == "特别假日"
    assert is_working_day(date(2026, 10, 10), source=calendar).working  # everything else from the package
    assert is_working_day(extra, source=CAL).working


def test_draft_operator_entries_do_not_touch_a_known_year() -> None:
    day = date(2026, 12, 31)
    calendar = LayeredCalendar({2026: OperatorYear(official=False, days={day: DayEntry(day, False, "草稿")})})
    assert is_working_day(day, source=calendar).working
    assert not is_working_day(day, source=calendar).provisional
