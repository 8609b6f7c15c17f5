"""Fixtures of the evaluation tests: a day to stand on, the rating groups of a village and its town."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import UserFactory
from pubcredit.evaluation.models import GroupLevel, RatingGroup
from pubcredit.evaluation.rules import CONDITIONS

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 12, 1)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> AbstractContextManager[Any]:
    """Stand on `day` at `hour`:`minute` in Asia/Shanghai."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def on_day() -> Iterator[dt.date]:
    with at(DAY):
        yield DAY


@dataclass
class Groups:
    town: RatingGroup
    village: RatingGroup
    villager: User  # member of the village group
    townsman: User  # member of the town group
    outsider: User  # a signed-in user in no group


@pytest.fixture
def groups(db: None) -> Groups:
    town = RatingGroup.objects.create(level=GroupLevel.TOWN, name="鸣犊街道农户信用等级评价小组", place="鸣犊街道")
    village = RatingGroup.objects.create(
        level=GroupLevel.VILLAGE, name="鸣犊村农户信用信息采集和信用等级评价小组", place="鸣犊村", town=town
    )
    villager, townsman, outsider = UserFactory.create_batch(3)
    village.members.add(villager)
    town.members.add(townsman)
    return Groups(town, village, villager, townsman, outsider)


ALL_MET = dict.fromkeys(CONDITIONS, True)


@pytest.fixture
def xian(settings: Any) -> str:
    settings.PUBCREDIT_POLICY = "xian"
    return "xian"
