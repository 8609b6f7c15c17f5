"""Shared fixtures of the early-warning tests (imported by each test_warnings* module).

Every date is set with time-machine. The official 2026 calendar around the dates used: National
Day 1–7 October off, Thursday 8 October back at work, Saturday 10 October a make-up working day
(调休), Sunday 11 October off.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    AuthorityFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
    UserFactory,
)
from pubcredit.collection.models import ReportingDuty
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.lists.models import ListEntry
from pubcredit.lists.tests.factories import enter
from pubcredit.measures.models import Measure, MeasureTask
from pubcredit.measures.seed import seed
from pubcredit.notices.models import Notice
from pubcredit.objections.models import Objection, ObjectionItem
from pubcredit.records.models import Record
from pubcredit.repairs.models import RepairApplication
from pubcredit.statistics.models import EarlyWarning, Tally
from pubcredit.statistics.warning_services import TOPIC, SweepResult, warnings_sweep
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date
_numbers = itertools.count(1)


@contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[dt.date]:
    """Run a step on `day` in Shanghai (the clock does not move)."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False):
        yield day


def sweep(day: dt.date, hour: int = 6) -> SweepResult:
    """The daily sweep as the scheduler runs it: on `day`, without naming the day."""
    with on(day, hour):
        return warnings_sweep()


@dataclass
class People:
    operator: User
    other_operator: User
    authority: User
    clerk: User  # a provider's clerk
    other_clerk: User  # another provider's clerk
    consumer: User  # a consumer department's clerk
    auditor: User
    account: User  # a subject's own account
    public: User  # signed in, no role

    @property
    def provider(self) -> Organisation:
        assert self.clerk.organisation is not None
        return self.clerk.organisation

    @property
    def other_provider(self) -> Organisation:
        assert self.other_clerk.organisation is not None
        return self.other_clerk.organisation

    @property
    def department(self) -> Organisation:
        assert self.consumer.organisation is not None
        return self.consumer.organisation


@pytest.fixture(name="people")
def people_fixture(db: None) -> People:
    return People(
        operator=OperatorFactory.create(),
        other_operator=OperatorFactory.create(),
        authority=AuthorityFactory.create(),
        clerk=ProviderClerkFactory.create(),
        other_clerk=ProviderClerkFactory.create(),
        consumer=ConsumerClerkFactory.create(),
        auditor=AuditorFactory.create(),
        account=SubjectAccountFactory.create(),
        public=UserFactory.create(),
    )


def warning_notices(user: User) -> list[Notice]:
    return list(Notice.objects.filter(recipient=user, topic=TOPIC).order_by("pk"))


def open_keys() -> set[str]:
    return set(EarlyWarning.objects.filter(state="open").values_list("key", flat=True))


# --- facts -----------------------------------------------------------------------------------------


def bad_records(
    subject: Subject,
    provider: Organisation,
    day: dt.date,
    count: int,
    *,
    kind: str = "bad",
    decided_on: dt.date | None = None,
) -> None:
    """`count` records of `subject` collected (created) on `day`, decided that day unless told."""
    with on(day, 11):
        for _ in range(count):
            make_record(
                subject,
                by=provider,
                kind=kind,
                tier="general" if kind == "bad" else None,
                decided_on=decided_on or day,
            )


def org_subject() -> Subject:
    return OrgSubjectFactory.create()


def person_subject() -> Subject:
    return PersonSubjectFactory.create()


def duty(provider: Organisation, *, next_due_on: dt.date, code: str = "CF", active: bool = True) -> ReportingDuty:
    return ReportingDuty.objects.create(
        provider=provider, item_code=code, frequency="weekly", next_due_on=next_due_on, active=active
    )


def objection(subject: Subject, *, due_on: dt.date, state: str = "checking") -> Objection:
    return Objection.objects.create(
        number=f"YY2026{next(_numbers):06d}",
        subject=subject,
        channel="online",
        ground="error",
        statement="记录有误",
        received_on=D(2026, 9, 1),
        pack="xian",
        state=state,
        due_on=due_on,
    )


def objection_item(subject: Subject, provider: Organisation, *, due_on: dt.date) -> ObjectionItem:
    parent = objection(subject, due_on=due_on + dt.timedelta(days=30), state="verifying")
    record = make_record(subject, by=provider)
    return ObjectionItem.objects.create(
        objection=parent,
        record=record,
        item_code=record.item_code,
        provider=provider,
        state="verifying",
        forwarded_on=D(2026, 9, 1),
        provider_due_on=due_on,
    )


def repair(account: User, provider: Organisation, *, due_on: dt.date) -> RepairApplication:
    assert account.subject is not None
    record: Record = make_record(account.subject, by=provider)
    return RepairApplication.objects.create(
        number=f"XF2026{next(_numbers):06d}",
        subject=account.subject,
        applicant=account,
        record=record,
        provider=provider,
        ground="已履行行政处罚决定",
        commitment_text="本主体承诺……",
        commitment_signed_at=dt.datetime(2026, 9, 1, 10, tzinfo=SHANGHAI),
        received_on=D(2026, 9, 1),
        pack="xian",
        decision_due_on=due_on,
    )


def measure_task(clerk: User, subject: Subject, department: Organisation, *, due_on: dt.date) -> MeasureTask:
    """A task of `department` for an entry by `clerk`'s department (the measure seed is restored
    first: a transactional test elsewhere in the run may have flushed it)."""
    seed(django_apps)
    with on(D(2026, 9, 1)):
        entry: ListEntry = enter(clerk, subject, decided_on=D(2026, 9, 1))
    measure = Measure.objects.filter(active=True).order_by("pk").first()
    assert measure is not None
    return MeasureTask.objects.create(entry=entry, measure=measure, department=department, due_on=due_on)


def tally(provider: Organisation, month: dt.date, value: int, *, dimension: str = "supervision") -> Tally:
    return Tally.objects.create(
        metric="records.collected", month=month, organisation=provider, dimension=dimension, value=value
    )
