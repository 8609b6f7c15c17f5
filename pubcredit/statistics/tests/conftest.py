"""Fixtures of the statistics tests: a day to stand on, the personas, and a source data set.

`source_rows` writes records, batches, objections, repairs, list entries, measure tasks, query
log entries and credit checks for several organisations in two districts, in months on both
sides of a year boundary, from the plain tuples in `SourceSpec`. Tests count the expected
figures from the same tuples, so a page or workbook figure is checked against the source rows
and never against the tallies it was drawn from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    AuthorityFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    OrganisationFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
)
from pubcredit.collection.models import Batch, BatchStatus
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.tests.factories import catalog_item, make_record
from pubcredit.lists.models import EntryState, ListEntry, ListType
from pubcredit.measures.models import CreditCheck, Measure, MeasureTask
from pubcredit.objections.models import Objection, ObjectionItem, ObjectionState
from pubcredit.records.models import Record
from pubcredit.repairs.models import RepairApplication
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The day the statistics tests stand on: the default period is 2025-04 to 2026-03.
TODAY = dt.date(2026, 3, 16)


@contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[dt.date]:
    """Run a step on `day` in Shanghai (the clock does not move)."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False):
        yield day


def at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def today() -> Iterator[dt.date]:
    with on(TODAY) as day:
        yield day


@dataclass
class Personas:
    operator: User
    authority: User
    provider_clerk: User
    consumer: User
    subject: User
    auditor: User


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas(
        operator=OperatorFactory.create(),
        authority=AuthorityFactory.create(),
        provider_clerk=ProviderClerkFactory.create(),
        consumer=ConsumerClerkFactory.create(),
        subject=SubjectAccountFactory.create(),
        auditor=AuditorFactory.create(),
    )


# ---------------------------------------------------------------------------------------------
# The source data set

D = dt.date


@dataclass(frozen=True)
class SourceSpec:
    """The rows to write, as plain tuples (organisation keys name entries of `organisations`)."""

    # key: (name, district, provider?, consumer?)
    organisations: dict[str, tuple[str, str, bool, bool]] = field(
        default_factory=lambda: {
            "market": ("雁塔区市场监督管理局", "雁塔区", True, False),
            "tax": ("雁塔区税务局", "雁塔区", True, False),
            "housing": ("碑林区住房和城乡建设局", "碑林区", True, True),
            "silent": ("碑林区文化和旅游局", "碑林区", True, False),
        }
    )
    # (provider, info_class, reported_on, report_due_on or None)
    records: tuple[tuple[str, str, dt.date, dt.date | None], ...] = (
        ("market", "supervision", D(2025, 11, 3), D(2025, 11, 10)),
        ("market", "supervision", D(2025, 11, 20), D(2025, 11, 10)),
        ("market", "registration", D(2025, 12, 31), None),
        ("market", "supervision", D(2026, 1, 1), D(2026, 1, 5)),
        ("market", "qualification", D(2026, 1, 15), D(2026, 1, 20)),
        ("market", "supervision", D(2026, 2, 2), None),
        ("tax", "supervision", D(2025, 12, 5), D(2025, 12, 4)),
        ("tax", "judgment", D(2026, 1, 8), D(2026, 1, 9)),
        ("tax", "supervision", D(2026, 2, 27), D(2026, 3, 2)),
        ("housing", "commendation", D(2025, 11, 30), None),
        ("housing", "qualification", D(2026, 1, 31), D(2026, 1, 31)),
        ("housing", "supervision", D(2026, 2, 14), D(2026, 2, 1)),
        ("silent", "registration", D(2026, 2, 10), None),
        ("market", "supervision", D(2024, 6, 1), D(2024, 6, 10)),  # outside the default period
    )
    # (provider, channel, received day, rows_total, rows_rejected)
    batches: tuple[tuple[str, str, dt.date, int, int], ...] = (
        ("market", "api", D(2025, 11, 3), 40, 2),
        ("market", "file", D(2026, 1, 1), 10, 5),
        ("tax", "file", D(2025, 12, 5), 25, 0),
        ("tax", "api", D(2026, 2, 27), 5, 1),
        ("housing", "file", D(2026, 2, 14), 8, 8),
    )
    # (provider, applied day, state of the objection, item result or "", answered on, overdue)
    objections: tuple[tuple[str, dt.date, str, str, dt.date | None, bool], ...] = (
        ("market", D(2025, 12, 20), ObjectionState.CLOSED, "corrected", D(2026, 1, 6), False),
        ("market", D(2026, 1, 10), ObjectionState.CLOSED, "confirmed", D(2026, 1, 25), True),
        ("tax", D(2026, 1, 12), ObjectionState.VERIFYING, "", None, True),
        ("housing", D(2026, 2, 3), ObjectionState.CLOSED, "unverifiable_annotated", D(2026, 2, 20), False),
        ("housing", D(2026, 2, 25), ObjectionState.CHECKING, "", None, False),
    )
    # (provider, submitted day, state, decided day or None, overdue)
    repairs: tuple[tuple[str, dt.date, str, dt.date | None, bool], ...] = (
        ("market", D(2025, 11, 25), "accepted", D(2025, 12, 15), False),
        ("market", D(2025, 12, 28), "rejected", D(2026, 1, 20), True),
        ("tax", D(2026, 1, 5), "submitted", None, True),
        ("housing", D(2026, 2, 1), "accepted", D(2026, 2, 26), False),
    )
    # (department, kind, entered day, exit reason or "", exited on)
    list_entries: tuple[tuple[str, str, dt.date, str, dt.date | None], ...] = (
        ("market", "black", D(2025, 11, 5), "repair", D(2026, 1, 15)),
        ("market", "red", D(2025, 12, 10), "", None),
        ("tax", "watch", D(2026, 1, 2), "term_end", D(2026, 2, 28)),
        ("housing", "black", D(2026, 2, 6), "", None),
        ("housing", "black", D(2025, 12, 31), "wrong_listing", D(2026, 1, 3)),
    )
    # (implementing department, sent day, state, fed back day or None, overdue)
    tasks: tuple[tuple[str, dt.date, str, dt.date | None, bool], ...] = (
        ("tax", D(2025, 11, 6), "applied", D(2025, 11, 20), False),
        ("tax", D(2025, 12, 11), "open", None, True),
        ("housing", D(2026, 1, 3), "not_applicable", D(2026, 1, 10), False),
        ("housing", D(2026, 2, 7), "applied", D(2026, 3, 2), True),
        ("market", D(2026, 2, 8), "open", None, False),
    )
    # (organisation or None, viewer kind, day)
    queries: tuple[tuple[str | None, str, dt.date], ...] = (
        (None, "public", D(2025, 11, 1)),
        (None, "public", D(2026, 1, 1)),
        (None, "subject", D(2025, 12, 31)),
        ("housing", "sharing", D(2026, 1, 19)),
        ("housing", "check", D(2026, 2, 2)),
        ("market", "provider", D(2026, 2, 28)),
    )
    # (organisation, outcome, day)
    checks: tuple[tuple[str, str, dt.date], ...] = (
        ("housing", "applied", D(2025, 12, 1)),
        ("housing", "pending", D(2026, 2, 2)),
        ("tax", "not_applied", D(2026, 1, 30)),
    )


@dataclass
class Source:
    spec: SourceSpec
    orgs: dict[str, Organisation]

    def org_id(self, key: str | None) -> int | None:
        return None if key is None else self.orgs[key].pk


def _records(spec: SourceSpec, orgs: dict[str, Organisation], subject: Subject) -> dict[str, list[Record]]:
    made: dict[str, list[Record]] = {}
    for key, info_class, reported_on, due_on in spec.records:
        record = make_record(subject, info_class=info_class, decided_on=reported_on, by=orgs[key])
        Record.objects.filter(pk=record.pk).update(report_due_on=due_on)
        made.setdefault(key, []).append(record)
    return made


def _batches(spec: SourceSpec, orgs: dict[str, Organisation]) -> None:
    item = catalog_item()
    for n, (key, channel, day, total, rejected) in enumerate(spec.batches):
        Batch.objects.create(
            provider=orgs[key],
            item=item,
            item_code=item.code,
            ref=f"B{n:04d}",
            channel=channel,
            status=BatchStatus.PARTIAL if rejected else BatchStatus.ACCEPTED,
            content_sm3=f"{n:064d}",
            rows_total=total,
            rows_created=total - rejected,
            rows_rejected=rejected,
            submitted_by_label="测试报送人",
            received_at=at(day),
            finished_at=at(day),
        )


def _objections(spec: SourceSpec, orgs: dict[str, Organisation], records: dict[str, list[Record]]) -> None:
    for n, (key, day, state, result, answered_on, overdue) in enumerate(spec.objections):
        record = records[key][0]
        objection = Objection.objects.create(
            number=f"YY{n:06d}",
            subject=record.subject,
            channel="online",
            ground="error",
            statement="记录有误",
            received_on=day,
            pack="national",
            state=state,
            answered_on=answered_on,
            closed_on=answered_on if state == ObjectionState.CLOSED else None,
        )
        Objection.objects.filter(pk=objection.pk).update(created_at=at(day))
        ObjectionItem.objects.create(
            objection=objection,
            record=record,
            item_code=record.item_code,
            provider=orgs[key],
            state="done" if result else "verifying",
            result=result,
            answered_on=answered_on,
            overdue=overdue,
        )


def _repairs(
    spec: SourceSpec, orgs: dict[str, Organisation], records: dict[str, list[Record]], applicant: User
) -> None:
    for n, (key, day, state, decided_on, overdue) in enumerate(spec.repairs):
        record = records[key][n % len(records[key])]
        application = RepairApplication.objects.create(
            number=f"XF{n:06d}",
            subject=record.subject,
            applicant=applicant,
            record=record,
            provider=orgs[key],
            ground="已纠正失信行为",
            commitment_text="本单位承诺守信",
            commitment_signed_at=at(day),
            received_on=day,
            pack="national",
            state=state,
            decided_at=at(decided_on) if decided_on else None,
            decided_by_label="测试决定人" if decided_on else "",
            overdue=overdue,
        )
        RepairApplication.objects.filter(pk=application.pk).update(created_at=at(day))


def _list_types() -> dict[str, ListType]:
    return {
        kind: ListType.objects.get_or_create(
            code=f"stats-{kind}",
            defaults={
                "name": f"统计测试名单（{kind}）",
                "kind": kind,
                "legal_basis": "测试依据",
                "entry_criteria": "测试标准",
                "exit_rules": "测试规则",
            },
        )[0]
        for kind in ("red", "black", "watch")
    }


def _list_entries(spec: SourceSpec, orgs: dict[str, Organisation], subject: Subject) -> list[ListEntry]:
    types = _list_types()
    entries = []
    for n, (key, kind, day, reason, exited_on) in enumerate(spec.list_entries):
        entries.append(
            ListEntry.objects.create(
                number=f"MD{n:06d}",
                list_type=types[kind],
                kind=kind,
                subject=subject,
                department=orgs[key],
                decision_number=f"测试〔{day.year}〕{n + 1}号",
                reason="测试事由",
                decided_on=day,
                starts_on=day,
                state=(EntryState.VOID if reason == "wrong_listing" else EntryState.ENDED)
                if reason
                else EntryState.IN_FORCE,
                exit_reason=reason,
                exited_on=exited_on,
                created_by_label="测试录入人",
                created_at=at(day),
            )
        )
    return entries


def _tasks(spec: SourceSpec, orgs: dict[str, Organisation], entries: list[ListEntry]) -> None:
    measure, _ = Measure.objects.get_or_create(
        code="stats-measure",
        defaults={
            "name": "统计测试措施",
            "nature": "sanction",
            "force": "mandatory",
            "condition": "listed",
            "legal_basis": "测试依据",
        },
    )
    for n, (key, day, state, fed_back_on, overdue) in enumerate(spec.tasks):
        MeasureTask.objects.create(
            entry=entries[n % len(entries)],
            measure=measure,
            department=orgs[key],
            state=state,
            created_at=at(day),
            due_on=day + dt.timedelta(days=20),
            overdue=overdue,
            fed_back_at=at(fed_back_on) if fed_back_on else None,
            fed_back_by_label="测试反馈人" if fed_back_on else "",
        )


def _queries(spec: SourceSpec, orgs: dict[str, Organisation], subject: Subject) -> None:
    for key, kind, day in spec.queries:
        QueryLogEntry.objects.create(
            created_at=at(day),
            viewer_label="测试查询者",
            viewer_kind=kind,
            organisation=orgs[key] if key else None,
            subject=subject,
            retain_until=day + dt.timedelta(days=365 * 5),
        )


def _checks(spec: SourceSpec, orgs: dict[str, Organisation], subject: Subject) -> None:
    for n, (key, outcome, day) in enumerate(spec.checks):
        CreditCheck.objects.create(
            number=f"HC{n:06d}",
            organisation=orgs[key],
            actor_label="测试核查人",
            subject=subject,
            business_type="licensing",
            checked_on=day,
            created_at=at(day),
            outcome=outcome,
        )


def source_rows_create(spec: SourceSpec | None = None) -> Source:
    """Write every source row of `spec` (the default data set when None)."""
    spec = spec or SourceSpec()
    orgs = {
        key: OrganisationFactory.create(
            name=name,
            short_name=name.removeprefix("雁塔区").removeprefix("碑林区"),
            district=district,
            is_provider=provider,
            is_consumer=consumer,
        )
        for key, (name, district, provider, consumer) in spec.organisations.items()
    }
    subject = OrgSubjectFactory.create()
    applicant = SubjectAccountFactory.create(subject=subject)
    records = _records(spec, orgs, subject)
    _batches(spec, orgs)
    _objections(spec, orgs, records)
    _repairs(spec, orgs, records, applicant)
    entries = _list_entries(spec, orgs, subject)
    _tasks(spec, orgs, entries)
    _queries(spec, orgs, subject)
    _checks(spec, orgs, subject)
    return Source(spec=spec, orgs=orgs)


@pytest.fixture
def source_rows(db: None) -> Source:
    return source_rows_create()
