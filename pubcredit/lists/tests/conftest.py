"""Fixtures of the list tests: a day in Asia/Shanghai to stand on, the parties, records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
)
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.measures.seed import seed
from pubcredit.records.models import Record
from pubcredit.subjects.models import Subject

SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[dt.date]:
    """Run a step on `day` in Shanghai (the clock does not move)."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False):
        yield day


@dataclass
class Parties:
    account: User  # the listed subject's own account
    subject: Subject
    clerk: User  # the issuing department's clerk
    other_clerk: User  # another department (an implementing one in the measures tests)
    consumer: User
    operator: User
    auditor: User


@pytest.fixture(autouse=True)
def seeded_list_types_and_measures(request: pytest.FixtureRequest) -> None:
    """The seed of measures migration 0002 (list types, measure list), which a transactional test's
    flush elsewhere in the run removes; the seed is idempotent."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    seed(django_apps)


@pytest.fixture(autouse=True)
def decision_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def parties(db: None) -> Parties:
    account = SubjectAccountFactory.create()
    assert account.subject is not None
    return Parties(
        account=account,
        subject=account.subject,
        clerk=ProviderClerkFactory.create(),
        other_clerk=ProviderClerkFactory.create(),
        consumer=ConsumerClerkFactory.create(),
        operator=OperatorFactory.create(),
        auditor=AuditorFactory.create(),
    )


@pytest.fixture
def record_of(parties: Parties) -> Callable[..., Record]:
    """A public general-tier penalty of the listed subject by the issuing clerk's department."""

    def make(**kwargs: Any) -> Record:
        kwargs.setdefault("by", parties.clerk.organisation)
        kwargs.setdefault("tier", "general")
        kwargs.setdefault("decided_on", dt.date(2026, 6, 1))
        return make_record(parties.subject, **kwargs)

    return make
