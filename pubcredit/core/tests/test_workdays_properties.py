"""Properties of working-day arithmetic over the official and the provisional calendar."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.core.workdays import (
    LayeredCalendar,
    add_working_days,
    count_working_days,
    deadline_after,
    is_working_day,
)

CAL = LayeredCalendar()
# Up to mid-2028 so that 60 WD stay inside the provisional range (which ends with 2028).
days = st.dates(min_value=date(2004, 1, 1), max_value=date(2028, 6, 30))
periods = st.integers(min_value=1, max_value=60)


@given(days, periods)
def test_a_deadline_is_a_working_day_strictly_after_receipt(received: date, n: int) -> None:
    deadline = deadline_after(received, n, source=CAL)
    assert deadline.date > received
    assert is_working_day(deadline.date, source=CAL).working


@given(days, periods)
def test_deadlines_grow_with_the_period(received: date, n: int) -> None:
    assert deadline_after(received, n, source=CAL).date < deadline_after(received, n + 1, source=CAL).date


@given(days, periods)
def test_counting_undoes_adding(received: date, n: int) -> None:
    deadline = deadline_after(received, n, source=CAL)
    count = count_working_days(received, deadline.date, source=CAL)
    assert count.days == n
    assert count.provisional == deadline.provisional


@given(days, periods)
def test_provisional_exactly_when_a_counted_day_is_past_2026(received: date, n: int) -> None:
    deadline = deadline_after(received, n, source=CAL)
    assert deadline.provisional == (deadline.date.year > 2026)


@settings(max_examples=50)
@given(st.dates(min_value=date(2004, 3, 1), max_value=date(2028, 6, 30)), st.integers(min_value=1, max_value=30))
def test_going_back_n_lands_on_the_last_working_day_not_after_receipt(received: date, n: int) -> None:
    back = add_working_days(deadline_after(received, n, source=CAL).date, -n, source=CAL).date
    assert is_working_day(back, source=CAL).working
    assert back <= received
    assert count_working_days(back, received, source=CAL).days == 0
