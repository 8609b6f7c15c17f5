"""Rebuild the summary tables from the source tables, in one transaction.

The dashboard and the assessment report read only `Tally` rows, so a page view never scans the
records. A rebuild is one grouped query per source (on PostgreSQL about 3 s for 10,000,000
records) and replaces every tally at once: it can run hourly or in `pubcredit daily`, twice in a
row gives the same rows, and a failed run leaves the previous figures in place.

The source tables are read directly, as aggregates only: no row leaves the database and nothing
personal reaches the tallies (a subject is never a dimension).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Aggregate, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pubcredit.collection.models import Batch
from pubcredit.core.audit import audit_record
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.lists.models import ListEntry
from pubcredit.measures.models import CreditCheck, MeasureTask
from pubcredit.objections.models import OPEN_STATES, ObjectionItem
from pubcredit.records.models import Record
from pubcredit.repairs.models import RepairApplication, RepairState
from pubcredit.statistics.models import RollupRun, Tally

BULK = 5000


@dataclass(frozen=True, slots=True)
class RollupResult:
    rows: int
    seconds: float
    finished_at: dt.datetime

    def summary(self) -> str:
        return f"{self.rows} tallies rebuilt in {self.seconds:.1f} s"


def _month(value: dt.date | dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


@dataclass(frozen=True, slots=True)
class _Source:
    """One grouped read: the rows of `rows()` placed in a month by `month_of`, counted per
    `organisation` (a field holding an organisation id) and `dimension` (a field, or none), one
    aggregate per metric."""

    rows: Callable[[], QuerySet[Any]]
    month_of: str
    organisation: str
    dimension: str | None
    counts: dict[str, Aggregate]


SOURCES: tuple[_Source, ...] = (
    _Source(
        Record.objects.all,
        "reported_on",
        "provider_id",
        "info_class",
        {
            "records.collected": Count("id"),
            "records.with_due": Count("id", filter=Q(report_due_on__isnull=False)),
            "records.on_time": Count("id", filter=Q(report_due_on__isnull=False, reported_on__lte=F("report_due_on"))),
        },
    ),
    _Source(
        Batch.objects.all,
        "received_at",
        "provider_id",
        "channel",
        {
            "batches.count": Count("id"),
            "batches.rows": Sum("rows_total"),
            "batches.rejected_rows": Sum("rows_rejected"),
        },
    ),
    _Source(
        ObjectionItem.objects.all,
        "objection__created_at",
        "provider_id",
        None,
        {
            "objections.opened": Count("id"),
            "objections.overdue": Count("id", filter=Q(overdue=True)),
            "objections.open": Count("id", filter=Q(objection__state__in=OPEN_STATES)),
        },
    ),
    _Source(
        lambda: ObjectionItem.objects.filter(answered_on__isnull=False),
        "answered_on",
        "provider_id",
        "result",
        {"objections.answered": Count("id")},
    ),
    _Source(
        RepairApplication.objects.all,
        "created_at",
        "provider_id",
        None,
        {
            "repairs.opened": Count("id"),
            "repairs.overdue": Count("id", filter=Q(overdue=True) | Q(overdue_since__isnull=False)),
            "repairs.open": Count("id", filter=Q(state=RepairState.SUBMITTED)),
        },
    ),
    _Source(
        lambda: RepairApplication.objects.filter(decided_at__isnull=False),
        "decided_at",
        "provider_id",
        "state",
        {"repairs.decided": Count("id")},
    ),
    _Source(ListEntry.objects.all, "created_at", "department_id", "kind", {"lists.entered": Count("id")}),
    _Source(
        lambda: ListEntry.objects.filter(exited_on__isnull=False),
        "exited_on",
        "department_id",
        "exit_reason",
        {"lists.exited": Count("id")},
    ),
    _Source(
        MeasureTask.objects.all,
        "created_at",
        "department_id",
        None,
        {"measures.initiated": Count("id"), "measures.overdue": Count("id", filter=Q(overdue=True))},
    ),
    _Source(
        lambda: MeasureTask.objects.filter(fed_back_at__isnull=False),
        "fed_back_at",
        "department_id",
        "state",
        {"measures.fed_back": Count("id")},
    ),
    _Source(QueryLogEntry.objects.all, "created_at", "organisation_id", "viewer_kind", {"queries.logged": Count("id")}),
    _Source(CreditCheck.objects.all, "created_at", "organisation_id", "outcome", {"checks.run": Count("id")}),
)


def _tallies(source: _Source) -> Iterator[Tally]:
    """The tallies of one source: one grouped query, a row per month, organisation and dimension."""
    keys = ["m", source.organisation, *([source.dimension] if source.dimension else [])]
    aliases = {f"n{i}": metric for i, metric in enumerate(source.counts)}
    rows = (
        source.rows()
        .order_by()
        .annotate(m=TruncMonth(source.month_of))
        .values(*keys)
        .annotate(**{alias: source.counts[metric] for alias, metric in aliases.items()})
    )
    for row in rows:
        month = _month(row["m"])
        if month is None:
            continue
        for alias, metric in aliases.items():
            if value := row[alias] or 0:
                yield Tally(
                    metric=metric,
                    month=month,
                    organisation_id=row[source.organisation],
                    dimension=(row[source.dimension] or "") if source.dimension else "",
                    value=value,
                )


def _batched(items: Iterable[Tally]) -> Iterator[list[Tally]]:
    chunk: list[Tally] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= BULK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rollup_run() -> RollupResult:
    """Replace every tally with freshly counted ones; record the run and audit it."""
    started = timezone.now()
    clock = time.perf_counter()
    rows = 0
    with transaction.atomic():
        Tally.objects.all().delete()
        for source in SOURCES:
            for chunk in _batched(_tallies(source)):
                Tally.objects.bulk_create(chunk)
                rows += len(chunk)
        seconds = time.perf_counter() - clock
        finished = timezone.now()
        RollupRun.objects.create(started_at=started, finished_at=finished, seconds=seconds, rows=rows)
        audit_record(actor=None, action="statistics.rollup", data={"rows": rows, "seconds": round(seconds, 2)})
    return RollupResult(rows=rows, seconds=seconds, finished_at=finished)
