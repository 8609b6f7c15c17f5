"""The objection procedure as the pack states it: stage due dates, which steps exist, outcomes.

Every number is read from the pack in force on the day the application was received and every
answer cites the pack key and article, so the same code runs 西安 (2 + 5 + 10 + 3 WD), 南通
(5 WD, forward at once, 7 WD), 元宝山 (20 WD all in, then 20 WD review), 大连 (3 + 10 + 2 WD) and
韶山 (forward at once, 5 WD). Periods count from the day after receipt (民法典 第二百零一条);
0 working days means the same day (立即).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pubcredit.core.workdays.arithmetic import deadline_after
from pubcredit.core.workdays.types import CalendarSource
from pubcredit.records.rules import PolicyReader

FIRST_CHECK = "objection.first_check_wd"
PLATFORM_NOTICE = "objection.platform_error_notice_wd"
FORWARD = "objection.forward_wd"
PROVIDER_ANSWER = "objection.provider_answer_wd"
APPLICANT_NOTICE = "objection.applicant_notice_wd"
TOTAL = "objection.total_wd"
REVIEW = "objection.review_wd"
EFFECT_WHILE_OPEN = "objection.effect_while_open"
SANCTIONS = "objection.sanctions_suspended_while_open"
UNVERIFIABLE = "objection.unverifiable_outcome"
CONFIRMED_DISAGREE = "objection.confirmed_disagree"
PROVIDER_OVERDUE = "objection.provider_overdue"


@dataclass(frozen=True, slots=True)
class Due:
    """A stage's last day and the pack value that set it."""

    day: dt.date
    provisional: bool
    key: str
    working_days: int
    article: str

    @property
    def basis(self) -> str:
        return f"{self.working_days} 个工作日（{self.article}，{self.key}）"


def _days(policy: PolicyReader, key: str) -> int | None:
    value = policy.param(key).value
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _due(policy: PolicyReader, key: str, start: dt.date, source: CalendarSource | None) -> Due | None:
    days = _days(policy, key)
    if days is None:
        return None
    deadline = deadline_after(start, days, source=source)
    return Due(deadline.date, deadline.provisional, key, days, policy.param(key).article)


def total_due(policy: PolicyReader, received_on: dt.date, *, source: CalendarSource | None = None) -> Due | None:
    """元宝山 第三十条: one limit for checking, verifying and telling the applicant."""
    return _due(policy, TOTAL, received_on, source)


def check_due(policy: PolicyReader, received_on: dt.date, *, source: CalendarSource | None = None) -> Due | None:
    """The platform's first check (西安 第二十九条 2 WD, 南通 第十四条 5 WD, 大连 第十六条 3 WD).

    Where the pack has no first check of its own, the check must be done by the time the
    objection is due at the provider (韶山 第十五条: at once), or within the overall limit.
    """
    return (
        _due(policy, FIRST_CHECK, received_on, source)
        or _due(policy, FORWARD, received_on, source)
        or total_due(policy, received_on, source=source)
    )


def forward_due(policy: PolicyReader, received_on: dt.date, *, source: CalendarSource | None = None) -> Due | None:
    """When the objection must have reached the provider.

    西安 第二十九条 counts 5 WD from receipt; 南通 第十四条 and 大连 第十六条 say "at once" once the
    check finds the error is not the platform's, so the forward is due no earlier than the check.
    """
    forward = _due(policy, FORWARD, received_on, source)
    if forward is None:
        return total_due(policy, received_on, source=source)
    check = check_due(policy, received_on, source=source)
    return check if check is not None and check.day > forward.day else forward


def provider_due(
    policy: PolicyReader, forwarded_on: dt.date, received_on: dt.date, *, source: CalendarSource | None = None
) -> Due | None:
    """The provider's answer, counted from the day it was told (西安 第三十条, 南通 第十四条,
    大连 第十六条, 韶山 第十五条), or inside the overall limit (元宝山 第三十条)."""
    return _due(policy, PROVIDER_ANSWER, forwarded_on, source) or total_due(policy, received_on, source=source)


def platform_notice_due(
    policy: PolicyReader, found_on: dt.date, received_on: dt.date, *, source: CalendarSource | None = None
) -> Due | None:
    """Telling the applicant of a platform-side error corrected (西安 第二十九条 3 WD, 大连 第十六条 2 WD)."""
    return (
        _due(policy, PLATFORM_NOTICE, found_on, source)
        or _due(policy, APPLICANT_NOTICE, found_on, source)
        or total_due(policy, received_on, source=source)
    )


def applicant_notice_due(
    policy: PolicyReader, answered_on: dt.date, received_on: dt.date, *, source: CalendarSource | None = None
) -> Due | None:
    """Telling the applicant of the provider's answer (西安 第三十条 3 WD, 大连 第十六条 2 WD)."""
    return _due(policy, APPLICANT_NOTICE, answered_on, source) or total_due(policy, received_on, source=source)


def review_due(policy: PolicyReader, requested_on: dt.date, *, source: CalendarSource | None = None) -> Due | None:
    """The authority's review (复核), 元宝山 第三十一条: 20 WD from the request."""
    return _due(policy, REVIEW, requested_on, source)


def suspends_while_open(policy: PolicyReader) -> bool:
    """西安 第三十一条, 大连 第十七条: suspended; elsewhere annotated and still disclosed."""
    return policy.param(EFFECT_WHILE_OPEN).value == "suspend"


def sanctions_suspended(policy: PolicyReader) -> bool:
    """元宝山方案 五（八）: joint sanctions on the record wait while it is verified."""
    return policy.param(SANCTIONS).value is True


def unverifiable_deletes(policy: PolicyReader) -> bool:
    """西安 第三十一条, 大连 第十七条 delete; 南通 第十四条（三） annotates with a statement."""
    return policy.param(UNVERIFIABLE).value == "delete"


def after_confirmed_disagreement(policy: PolicyReader) -> str:
    """ "none", "disclose_with_statement" (南通 第十四条（二）) or "review" (元宝山 第三十一条)."""
    value = policy.param(CONFIRMED_DISAGREE).value
    return value if isinstance(value, str) else "none"


def overdue_stops_query(policy: PolicyReader) -> bool:
    """南通 第十四条: a provider that misses its deadline loses the record's query on the platform."""
    return policy.param(PROVIDER_OVERDUE).value == "stop_query"


def cite(policy: PolicyReader, key: str) -> str:
    """The article behind a key, as written on holds and notices."""
    return policy.param(key).article


def is_overdue(due_on: dt.date | None, on: dt.date) -> bool:
    """A stage is late the day after its last day (the last day itself is still in time)."""
    return due_on is not None and on > due_on
