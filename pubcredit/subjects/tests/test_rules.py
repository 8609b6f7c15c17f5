from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.policy import get_policy
from pubcredit.subjects.rules import age_reached_on, person_meets_age_floor


@dataclass(frozen=True)
class _Param:
    value: object
    article: str


@dataclass(frozen=True)
class _Pack:
    """A one-key pack standing in for the policy object in pure rule tests."""

    floor: int | None
    article: str = "西安 第十条"

    def param(self, key: str) -> _Param:
        assert key == "subjects.person_age_floor"
        return _Param(self.floor, self.article)


def test_refused_on_the_eighteenth_birthday_allowed_the_day_after() -> None:
    # 民法典 第二百零一条: the day of birth is not counted, so 满18周岁 starts the next day.
    born = date(2008, 11, 22)
    refused = person_meets_age_floor(born, date(2026, 11, 22), _Pack(18))
    assert not refused.allowed
    assert refused.message == "自然人未满18周岁（西安 第十条），不得作为信用主体归集"
    assert refused.article == "西安 第十条"
    assert refused.key == "subjects.person_age_floor"
    allowed = person_meets_age_floor(born, date(2026, 11, 23), _Pack(18))
    assert allowed.allowed
    assert allowed.message == ""


def test_leap_day_birth_reaches_age_after_28_february() -> None:
    assert age_reached_on(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert age_reached_on(date(2008, 2, 29), 16) == date(2024, 3, 1)  # 2024-02-29 exists


def test_no_floor_in_the_pack_allows_everyone() -> None:
    decision = person_meets_age_floor(date(2020, 1, 1), date(2026, 11, 22), _Pack(None, "南通 第三条"))
    assert decision.allowed
    assert decision.article == "南通 第三条"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=0, max_value=30000))
def test_once_allowed_always_allowed_and_the_boundary_is_the_day_after_the_birthday(born: date, days: int) -> None:
    pack = _Pack(18)
    on = born + timedelta(days=days)
    if person_meets_age_floor(born, on, pack).allowed:
        assert person_meets_age_floor(born, on + timedelta(days=1), pack).allowed
    birthday = age_reached_on(born, 18) - timedelta(days=1)
    assert (birthday.month, birthday.day) == (born.month, born.day) or (born.month, born.day) == (2, 29)
    assert birthday.year == born.year + 18
    assert not person_meets_age_floor(born, birthday, pack).allowed
    assert person_meets_age_floor(born, birthday + timedelta(days=1), pack).allowed


@pytest.mark.parametrize(
    ("pack", "allowed", "article"),
    [("xian", False, "西安 第十条"), ("yuanbaoshan", False, "元宝山 第二条"), ("dalian", True, None)],
)
def test_reads_the_floor_and_article_from_the_real_packs(pack: str, allowed: bool, article: str | None) -> None:
    on = date(2026, 11, 22)
    decision = person_meets_age_floor(date(2010, 1, 1), on, get_policy(on=on, pack=pack))
    assert decision.allowed is allowed
    if article is not None:
        assert decision.article == article
        assert decision.message == f"自然人未满18周岁（{article}），不得作为信用主体归集"
