"""The early-warning thresholds and conditions as pure functions (no database for the arithmetic)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.core.workdays import DayInfo
from pubcredit.policy import get_policy
from pubcredit.statistics import warning_rules as rules

D = dt.date


class Calendar:
    """Weekends off, National Day 2026-10-01..07 off, Saturday 2026-10-10 a make-up working day."""

    def day(self, d: dt.date, /) -> DayInfo:
        if D(2026, 10, 1) <= d <= D(2026, 10, 7):
            return DayInfo(False, False, "国庆节")
        if d == D(2026, 10, 10):
            return DayInfo(True, False, "国庆节调休上班")
        return DayInfo(d.weekday() < 5, False)


CAL = Calendar()


def test_thresholds_come_from_the_pack_with_their_keys_and_articles() -> None:
    t = rules.warning_thresholds(get_policy(on=D(2026, 10, 1)))
    assert (t.bad_rise_days.value, t.bad_rise_count.value, t.loop_near_wd.value) == (30, 3, 2)
    assert (t.volume_baseline_months.value, t.volume_drop_percent.value) == (3, 50)
    assert t.bad_rise_count.key == "warnings.bad_rise_count"
    assert t.bad_rise_count.article == "平台默认"
    assert t.volume_drop_percent.citation == "warnings.volume_drop_percent = 50（平台默认，national）"


def test_a_pack_value_that_is_not_a_whole_number_is_an_error() -> None:
    class Param:
        key = rules.BAD_RISE_DAYS_KEY
        value: object = "thirty"
        article = "平台默认"
        pack = "test"

    class Policy:
        def param(self, key: str) -> Param:
            return Param()

    with pytest.raises(ValueError, match=r"warnings\.bad_rise_days"):
        rules.warning_thresholds(Policy())


def test_the_bad_rise_window_is_the_last_days_including_today() -> None:
    assert rules.bad_rise_window(D(2026, 10, 30), 30) == (D(2026, 10, 1), D(2026, 10, 30))
    assert rules.bad_rise_applies(3, 3)
    assert not rules.bad_rise_applies(2, 3)
    assert rules.bad_rise_key(42) == "bad_rise:42"


def test_a_duty_is_silent_from_the_day_after_its_due_date() -> None:
    assert not rules.provider_silent(D(2026, 10, 9), D(2026, 10, 9))
    assert rules.provider_silent(D(2026, 10, 9), D(2026, 10, 10))
    assert rules.provider_silent_key(7, D(2026, 10, 9)) == "provider_silent:7:2026-10-09"


@pytest.mark.parametrize(
    ("day", "level"),
    [
        (D(2026, 9, 29), None),  # 09-30, 10-08, 10-09: three working days left
        (D(2026, 9, 30), "notice"),  # the last working day before National Day: 10-08, 10-09
        (D(2026, 10, 4), "notice"),  # a holiday: still two working days left
        (D(2026, 10, 9), "notice"),  # the due day itself
        (D(2026, 10, 10), "alert"),  # the make-up Saturday after the due date
    ],
)
def test_loop_level_counts_working_days_across_national_day(day: dt.date, level: str | None) -> None:
    assert rules.loop_level(D(2026, 10, 9), day, 2, source=CAL) == level


def test_the_make_up_saturday_counts_as_a_working_day() -> None:
    due = D(2026, 10, 12)  # Monday
    assert rules.loop_level(due, D(2026, 10, 8), 2, source=CAL) is None  # 10-09, 10-10, 10-12
    assert rules.loop_level(due, D(2026, 10, 9), 2, source=CAL) == "notice"  # 10-10, 10-12
    assert rules.loop_key("repair", 5, due, "notice") == "loop_deadline:repair:5:2026-10-12:notice"


def test_volume_months_are_the_last_full_month_and_the_months_before_it() -> None:
    assert rules.volume_months(D(2026, 3, 1), 3) == (D(2026, 2, 1), [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)])
    assert rules.volume_months(D(2026, 3, 31), 1) == (D(2026, 2, 1), [D(2026, 1, 1)])
    assert rules.volume_key(9, D(2026, 2, 1)) == "volume_drop:9:2026-02"


def test_volume_drop_at_exactly_the_percent_is_not_a_drop_and_just_below_is() -> None:
    assert not rules.volume_dropped(50, [100, 100, 100], 50)
    assert rules.volume_dropped(49, [100, 100, 100], 50)
    assert not rules.volume_dropped(1, [1, 2, 0], 50)  # 1 is more than 50% of 1.0
    assert rules.volume_dropped(0, [1, 1, 1], 50)


def test_a_baseline_under_one_record_a_month_is_never_a_drop() -> None:
    assert not rules.volume_dropped(0, [0, 1, 1], 50)  # average 2/3
    assert not rules.volume_dropped(0, [], 50)
    assert rules.volume_dropped(0, [0, 0, 3], 50)  # average exactly 1


@settings(deadline=None)  # a busy shared machine must not fail a pure function on time
@given(
    last=st.integers(min_value=0, max_value=10_000),
    baseline=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12),
    percent=st.integers(min_value=1, max_value=100),
)
def test_volume_drop_agrees_with_the_plain_arithmetic(last: int, baseline: list[int], percent: int) -> None:
    average = sum(baseline) / len(baseline)
    expected = average >= 1 and last < average * percent / 100
    # Exact: compare in integers the way the rule does, so rounding never flips a boundary.
    exact = average >= 1 and last * 100 * len(baseline) < percent * sum(baseline)
    assert rules.volume_dropped(last, baseline, percent) == exact
    if abs(last - average * percent / 100) > 1e-6:
        assert exact == expected
