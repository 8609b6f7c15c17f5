"""Years beyond the official calendar: computed provisionally, flagged, replaced when published."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pubcredit.core.workdays import (
    CalendarOutOfRange,
    LayeredCalendar,
    OperatorYear,
    count_working_days,
    deadline_after,
    is_working_day,
)
from pubcredit.core.workdays.statutory import statutory_days_off
from pubcredit.core.workdays.types import DayEntry

CAL = LayeredCalendar()


def _fictional_2027() -> dict[date, DayEntry]:
    """NOT the real 2027 schedule (unknown when this was written): a plausible one, for testing only."""
    days = {date(2027, 1, 1): DayEntry(date(2027, 1, 1), False, "元旦")}
    for offset in range(9):  # 春节 5 to 13 February
        day = date(2027, 2, 5) + timedelta(days=offset)
        days[day] = DayEntry(day, False, "春节")
    for day in (date(2027, 1, 31), date(2027, 2, 20)):  # make-up Sunday and Saturday
        days[day] = DayEntry(day, True, "春节调休上班")
    return days


def test_statutory_days_off_of_2027() -> None:
    off = statutory_days_off(2027)
    assert off[date(2027, 1, 1)].name == "元旦"
    # 除夕 2027-02-05 and 正月初一 to 初三 (6 to 8 February); 初一 and 初二 fall on Saturday and Sunday,
    # so 第六条 makes them up on the following working days, 9 and 10 February.
    assert [d for d, e in sorted(off.items()) if e.name == "春节"] == [date(2027, 2, d) for d in (5, 6, 7, 8)]
    assert [d for d, e in sorted(off.items()) if e.name == "春节补假"] == [date(2027, 2, 9), date(2027, 2, 10)]
    assert off[date(2027, 4, 5)].name == "清明"
    assert off[date(2027, 6, 9)].name == "端午"
    assert off[date(2027, 9, 15)].name == "中秋"
    assert [d for d, e in sorted(off.items()) if e.name == "国庆节"] == [date(2027, 10, d) for d in (1, 2, 3)]


def test_a_festival_on_a_holiday_is_off_once() -> None:
    off = statutory_days_off(2028)
    assert off[date(2028, 10, 3)].name == "中秋"  # 中秋 2028 is 3 October
    assert off[date(2028, 1, 3)].name == "元旦补假"  # 1 January 2028 is a Saturday


def test_provisional_days_are_flagged() -> None:
    assert is_working_day(date(2027, 3, 1), source=CAL).provisional
    assert is_working_day(date(2027, 3, 1), source=CAL).working
    assert not is_working_day(date(2027, 10, 1), source=CAL).working
    assert not is_working_day(date(2026, 12, 31), source=CAL).provisional


def test_deadline_from_december_2026_into_2027_is_provisional() -> None:
    # Received Thursday 2026-12-24, 10 WD: 25, 28, 29, 30, 31 December; 1 January off (元旦); 4 to 8 January.
    deadline = deadline_after(date(2026, 12, 24), 10, source=CAL)
    assert deadline.date == date(2027, 1, 8)
    assert deadline.provisional is True
    # Entirely inside 2026: official.
    assert deadline_after(date(2026, 12, 24), 5, source=CAL).provisional is False


def test_publishing_2027_turns_the_same_computation_official_and_may_move_it() -> None:
    received = date(2026, 12, 31)
    provisional = deadline_after(received, 30, source=CAL)
    assert provisional == deadline_after(received, 30, source=LayeredCalendar({2027: OperatorYear(official=False)}))
    # Provisionally: 20 WD in January after 元旦, 1 to 4 February, 除夕 (5th) and 初三 (8th) off, 补假 9
    # and 10 February, then 11, 12, 15, 16, 17, 18 February.
    assert provisional.date == date(2027, 2, 18)
    assert provisional.provisional is True

    published = LayeredCalendar({2027: OperatorYear(official=True, days=_fictional_2027())})
    official = deadline_after(received, 30, source=published)
    # With the published schedule the make-up Sunday 31 January counts and 5 to 13 February are off.
    assert official.date == date(2027, 2, 19)
    assert official.provisional is False
    assert count_working_days(received, official.date, source=published).days == 30


def test_draft_entries_shape_the_provisional_calendar_but_stay_provisional() -> None:
    draft = LayeredCalendar({2027: OperatorYear(official=False, days=_fictional_2027())})
    deadline = deadline_after(date(2026, 12, 31), 30, source=draft)
    assert deadline.date == date(2027, 2, 19)
    assert deadline.provisional is True


def test_beyond_the_provisional_range_is_an_error_not_a_guess() -> None:
    assert CAL.provisional_until == 2028
    assert is_working_day(date(2028, 12, 29), source=CAL).provisional
    with pytest.raises(CalendarOutOfRange) as caught:
        is_working_day(date(2029, 1, 2), source=CAL)
    assert "2029-01-02" in caught.value.message
    assert caught.value.code == "calendar_out_of_range"
    with pytest.raises(CalendarOutOfRange):
        deadline_after(date(2028, 12, 20), 20, source=CAL)
    with pytest.raises(CalendarOutOfRange, match="早于"):
        is_working_day(date(2003, 6, 2), source=CAL)


def test_publishing_a_year_moves_the_provisional_horizon() -> None:
    calendar = LayeredCalendar({2027: OperatorYear(official=True, days=_fictional_2027())})
    assert calendar.last_known_year == 2027
    assert calendar.provisional_until == 2029
    assert is_working_day(date(2029, 1, 2), source=calendar).provisional
    assert not is_working_day(date(2027, 3, 1), source=calendar).provisional
