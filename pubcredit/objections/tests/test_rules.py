"""The pure rules per pack: every stage's due date from one receipt day, and the effects chosen.

2026: 09-25 (Mid-Autumn) and 10-01..10-07 are days off, Saturday 10-10 is worked.
2019 (韶山's trial period): 10-01..10-07 off, Sunday 09-29 and Saturday 10-12 worked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.core.errors import ValidationFailed
from pubcredit.core.workdays.layered import LayeredCalendar
from pubcredit.objections import rules
from pubcredit.objections.workflow import objection_may_move, require_transition
from pubcredit.policy import get_policy

D = dt.date
CALENDAR = LayeredCalendar({})


def _day(due: rules.Due | None) -> dt.date | None:
    return due.day if due is not None else None


# pack, received, check, forward, provider (forwarded the day received), platform notice, applicant notice,
# total, review (requested the day received)
DUES = [
    ("xian", "2026-09-28", "2026-09-30", "2026-10-10", "2026-10-16", "2026-10-08", "2026-10-08", None, None),
    ("nantong", "2026-09-28", "2026-10-10", "2026-10-10", "2026-10-13", "2026-09-28", "2026-09-28", None, None),
    ("yuanbaoshan", "2026-09-28", *(["2026-10-30"] * 7)),
    ("dalian", "2026-09-28", "2026-10-08", "2026-10-08", "2026-10-16", "2026-09-30", "2026-09-30", None, None),
    ("shaoshan", "2019-09-27", "2019-09-27", "2019-09-27", "2019-10-10", None, None, None, None),
    ("shaoshan", "2026-09-28", None, None, None, None, None, None, None),  # trial over: national, no limits
    ("national", "2026-09-28", None, None, None, None, None, None, None),
    # Received on a holiday: counting starts after it, so the first working day counts as day 1.
    ("xian", "2026-10-01", "2026-10-09", "2026-10-13", "2026-10-20", "2026-10-10", "2026-10-10", None, None),
    # Received the last working day before the holiday.
    ("dalian", "2026-09-30", "2026-10-10", "2026-10-10", "2026-10-20", "2026-10-09", "2026-10-09", None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pack", "received", "check", "forward", "provider", "platform", "notice", "total", "review"), DUES
)
def test_stage_due_dates(
    pack: str,
    received: Any,
    check: Any,
    forward: Any,
    provider: Any,
    platform: Any,
    notice: Any,
    total: Any,
    review: Any,
) -> None:
    received, check, forward, provider, platform, notice, total, review = (
        dt.date.fromisoformat(text) if text else None
        for text in (received, check, forward, provider, platform, notice, total, review)
    )
    assert received is not None
    policy = get_policy(on=received, pack=pack)
    source = CALENDAR
    assert _day(rules.check_due(policy, received, source=source)) == check
    assert _day(rules.forward_due(policy, received, source=source)) == forward
    assert _day(rules.provider_due(policy, received, received, source=source)) == provider
    assert _day(rules.platform_notice_due(policy, received, received, source=source)) == platform
    assert _day(rules.applicant_notice_due(policy, received, received, source=source)) == notice
    assert _day(rules.total_due(policy, received, source=source)) == total
    assert _day(rules.review_due(policy, received, source=source)) == review


def test_each_due_date_cites_its_key_and_article() -> None:
    policy = get_policy(on=D(2026, 9, 28), pack="xian")
    due = rules.provider_due(policy, D(2026, 9, 30), D(2026, 9, 28), source=CALENDAR)
    assert due is not None
    assert (due.key, due.working_days, due.article) == ("objection.provider_answer_wd", 10, "西安 第三十条")
    assert due.basis == "10 个工作日（西安 第三十条，objection.provider_answer_wd）"
    total = rules.check_due(get_policy(on=D(2026, 9, 28), pack="yuanbaoshan"), D(2026, 9, 28), source=CALENDAR)
    assert total is not None and (total.key, total.article) == ("objection.total_wd", "元宝山 第三十条")


@pytest.mark.parametrize(
    ("pack", "day", "suspends", "sanctions", "deletes", "disagree", "stops"),
    [
        ("xian", D(2026, 9, 28), True, False, True, "none", False),
        ("nantong", D(2026, 9, 28), False, False, False, "disclose_with_statement", True),
        ("yuanbaoshan", D(2026, 9, 28), False, True, False, "review", False),
        ("dalian", D(2026, 9, 28), True, False, True, "none", False),
        ("shaoshan", D(2019, 9, 27), False, False, False, "none", False),
    ],
)
def test_effects_per_pack(
    pack: str, day: dt.date, suspends: bool, sanctions: bool, deletes: bool, disagree: str, stops: bool
) -> None:
    policy = get_policy(on=day, pack=pack)
    assert rules.suspends_while_open(policy) is suspends
    assert rules.sanctions_suspended(policy) is sanctions
    assert rules.unverifiable_deletes(policy) is deletes
    assert rules.after_confirmed_disagreement(policy) == disagree
    assert rules.overdue_stops_query(policy) is stops


def test_overdue_starts_the_day_after_the_last_day() -> None:
    assert not rules.is_overdue(D(2026, 10, 9), D(2026, 10, 9))
    assert rules.is_overdue(D(2026, 10, 9), D(2026, 10, 10))
    assert not rules.is_overdue(None, D(2030, 1, 1))


def test_workflow_table() -> None:
    assert objection_may_move("checking", "verifying")
    assert objection_may_move("checking", "answered")
    assert objection_may_move("closed", "review")
    assert objection_may_move("review", "verifying")
    assert not objection_may_move("closed", "checking")
    assert not objection_may_move("verifying", "closed")
    with pytest.raises(ValidationFailed, match="不能进入“已办结”（可进入：待告知结果）"):
        require_transition(number="YY2026000001", current="verifying", target="closed")


@settings(max_examples=150, deadline=None)
@given(
    pack=st.sampled_from(["xian", "nantong", "yuanbaoshan", "dalian", "national"]),
    received=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 10, 31)),
)
def test_due_dates_fall_on_working_days_in_order(pack: str, received: dt.date) -> None:
    """A limit of N > 0 working days ends on a working day after receipt; the stages never go backwards."""
    policy = get_policy(on=received, pack=pack)
    check = rules.check_due(policy, received, source=CALENDAR)
    forward = rules.forward_due(policy, received, source=CALENDAR)
    for due in (check, forward, rules.provider_due(policy, received, received, source=CALENDAR)):
        if due is not None and due.working_days > 0:
            assert due.day > received
            assert CALENDAR.day(due.day).working
    if check is not None and forward is not None:
        assert forward.day >= check.day
    total = rules.total_due(policy, received, source=CALENDAR)
    if total is not None and check is not None:
        assert check.day <= total.day
