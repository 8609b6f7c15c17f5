"""Fixtures of the evaluation tests: a day to stand on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
import time_machine

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 12, 1)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> AbstractContextManager[Any]:
    """Stand on `day` at `hour`:`minute` in Asia/Shanghai."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def on_day() -> Iterator[dt.date]:
    with at(DAY):
        yield DAY
