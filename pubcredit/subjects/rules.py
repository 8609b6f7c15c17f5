"""Who may be a subject: pure functions of the regulation, numbers from the policy pack."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

AGE_FLOOR_KEY = "subjects.person_age_floor"


class PolicyParam(Protocol):
    @property
    def value(self) -> object: ...

    @property
    def article(self) -> str: ...


class PolicyReader(Protocol):
    def param(self, key: str) -> PolicyParam: ...


@dataclass(frozen=True, slots=True)
class Decision:
    """A rule's answer with the policy key and article that made it (for `explain`)."""

    allowed: bool
    key: str
    article: str
    message: str = ""


def _anniversary(birth_date: date, years: int) -> date:
    """The `years`-th birthday; 29 February falls on 28 February in common years (民法典 第二百零二条)."""
    year = birth_date.year + years
    day = birth_date.day
    if birth_date.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return date(year, birth_date.month, day)


def age_reached_on(birth_date: date, years: int) -> date:
    """The first day on which a person born on `birth_date` is `years` full years old.

    民法典 第二百零一条 and 第二百零二条: the day of birth is not counted and the period ends at the
    end of the corresponding day, so a person is 满N周岁 from the day after the N-th birthday
    (the same reading the courts use for 周岁).
    """
    return _anniversary(birth_date, years) + timedelta(days=1)


def person_meets_age_floor(birth_date: date, on_date: date, policy: PolicyReader) -> Decision:
    """A natural person below the pack's age floor cannot be a subject (e.g. 西安 第十条)."""
    param = policy.param(AGE_FLOOR_KEY)
    floor = param.value
    if floor is None:
        return Decision(True, AGE_FLOOR_KEY, param.article)
    if not isinstance(floor, int) or isinstance(floor, bool):
        raise TypeError(f"policy key {AGE_FLOOR_KEY!r} must be an integer, got {floor!r}")
    if on_date >= age_reached_on(birth_date, floor):
        return Decision(True, AGE_FLOOR_KEY, param.article)
    return Decision(
        False,
        AGE_FLOOR_KEY,
        param.article,
        f"自然人未满{floor}周岁（{param.article}），不得作为信用主体归集",
    )
