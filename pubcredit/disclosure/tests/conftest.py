import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import override_settings

from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 20)  # a Friday, after the national tiers (2026-04-01)


@pytest.fixture
def today() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI), tick=False):
        yield TODAY


@pytest.fixture
def company(db: None) -> Subject:
    return OrgSubjectFactory.create()


@pytest.fixture
def person(db: None) -> Subject:
    return PersonSubjectFactory.create()


@pytest.fixture
def pack() -> Callable[[str], override_settings]:
    """Run a test under another jurisdiction's pack: `with pack("dalian"): ...`."""

    def use(code: str) -> override_settings:
        return override_settings(PUBCREDIT_POLICY=code)

    return use
