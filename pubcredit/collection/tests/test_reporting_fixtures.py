"""Shared fixtures of the reporting-timeliness tests (imported by each test_reporting_* module).

Every date is set with time-machine. The 2026 calendar around the dates used: National Day
1–7 October off, Saturday 10 October a make-up working day (调休).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.tests.factories import AuthorityFactory, OperatorFactory, ProviderClerkFactory
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import ReportingDuty
from pubcredit.collection.services.reporting import reporting_duty_set
from pubcredit.records.models import Record
from pubcredit.records.services import record_create
from pubcredit.records.tests.conftest import cf_data
from pubcredit.subjects.tests.factories import OrgSubjectFactory

CST = dt.timezone(dt.timedelta(hours=8))
SET_ON = dt.date(2026, 9, 28)  # a Monday; weekly duties set then fall due on 8 October


@contextmanager
def on_day(day: dt.date, hour: int = 10) -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=CST), tick=False):
        yield day


@pytest.fixture
def catalogue(db: Any) -> None:
    with on_day(SET_ON):
        catalog_seed()


@pytest.fixture
def operator(db: Any) -> User:
    return OperatorFactory.create()


@pytest.fixture
def authority(db: Any) -> User:
    return AuthorityFactory.create()


@pytest.fixture
def clerk(db: Any) -> User:
    return ProviderClerkFactory.create()


@pytest.fixture
def other_clerk(db: Any) -> User:
    return ProviderClerkFactory.create()


def provider_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


def set_duty(
    operator: User, provider: Organisation, *, code: str = "CF", frequency: str = "weekly", day: dt.date = SET_ON
) -> ReportingDuty:
    with on_day(day):
        return reporting_duty_set(actor=operator, provider=provider, item_code=code, frequency=frequency)


_refs = iter(range(1, 1_000_000))


def report_cf(clerk: User, *, decided_on: dt.date, reported_on: dt.date) -> Record:
    """One 行政处罚 record decided on `decided_on` and received on `reported_on` (双公示: 7 working days)."""
    subject = OrgSubjectFactory.create()
    ref = f"西市监罚〔{decided_on.year}〕{next(_refs)}号"
    with on_day(reported_on):
        return record_create(
            actor=clerk,
            provider=provider_of(clerk),
            subject=subject,
            item=catalog_item_get("CF"),
            source_ref=ref,
            decided_on=decided_on,
            end_date=None,
            tier="general",  # bad information decided after 2026-04-01 needs a tier
            data=cf_data(subject, wsh=ref, CF_JDRQ=decided_on.isoformat()),
        )
