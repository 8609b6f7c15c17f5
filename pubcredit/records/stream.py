"""Storing a large batch of records in chunks, inside the caller's transaction.

The caller (a collection batch) checks the field values; the stream checks the rest of each row
(`check_envelope`), finds references the provider already used, and writes new records with
their first versions: on PostgreSQL by COPY, on SQLite by `executemany`, with ids taken up front
so the versions are copied from the rows just written without reading them back. A row whose
reference the provider already used is compared with the stored record: the same content is
left alone, a change becomes the record's next version through `record_correct`.

In strict mode the stream stops writing at the first refused row but keeps checking, so the
report lists every problem; the caller then rolls the transaction back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

from pubcredit.accounts.actors import Actor
from pubcredit.catalog.models import CatalogItem
from pubcredit.records.bulk import batch_stamp, insert_first_versions
from pubcredit.records.models import Record, RecordStatus
from pubcredit.records.repair_carry import repairs_carry, withdrawn_repairs
from pubcredit.records.validation import Derived, RecordContext, RowProblem, check_envelope, derive

CHUNK_ROWS = 5000
SQLITE_CACHE_KIB = 65536
_LOOKUP = 2000


@dataclass(slots=True)
class Pending:
    row: int
    subject_id: int
    subject_kind: str
    source_ref: str
    decided_on: dt.date
    end_date: dt.date | None
    tier: str | None
    values: dict[str, Any]


@dataclass
class StreamResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    first_record: int | None = None
    last_record: int | None = None
    problems: list[RowProblem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":"))


class RecordStream:
    """Add rows, then `finish()`; `correct` is `records.services.record_correct` (no import cycle)."""

    def __init__(
        self,
        *,
        actor: Actor,
        provider: Any,
        item: CatalogItem,
        batch_ref: str,
        partial: bool,
        ctx: RecordContext,
        user_id: int | None,
        label: str,
        correct: Callable[..., Record],
    ) -> None:
        self.actor = actor
        self.provider = provider
        self.item = item
        self.batch_ref = batch_ref
        self.partial = partial
        self.ctx = ctx
        self.user_id = user_id
        self.label = label
        self._correct = correct
        self.result = StreamResult()
        self._pending: list[Pending] = []
        # Source references seen in this batch, by hash: a million references as strings would
        # cost ~150 MB. Two different 64-bit hashes colliding in a million-row batch has a
        # probability of about 3e-8; such a row would be reported as a duplicate, never stored twice.
        self._seen: dict[int, int] = {}
        self._now = batch_stamp()
        self._days: dict[dt.date, str] = {}
        self._today = ctx.today.isoformat()
        stamp = connection.ops.adapt_datetimefield_value(self._now)
        self._stamp = stamp if isinstance(stamp, str) else self._now.isoformat()
        self._postgres = connection.vendor == "postgresql"
        if connection.vendor == "sqlite":
            # A larger page cache for this connection keeps the indexes being filled in memory.
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        self._repairs = withdrawn_repairs(provider.pk, [item.code])
        self._has_existing = (
            Record.objects.filter(provider_id=provider.pk, item_code=item.code)
            .exclude(status=RecordStatus.WITHDRAWN)
            .exclude(source_ref="")
            .exists()
        )

    @property
    def writing(self) -> bool:
        return self.partial or not self.result.problems

    def refuse(self, problems: list[RowProblem]) -> None:
        self.result.problems.extend(problems)
        self.result.rejected_rows.update(p.row for p in problems if p.row is not None)

    def add(
        self,
        *,
        row: int,
        subject_id: int,
        subject_kind: str,
        source_ref: str,
        decided_on: dt.date,
        end_date: dt.date | None,
        tier: str | None,
        values: dict[str, Any],
    ) -> None:
        problems = check_envelope(
            self.ctx,
            row=row,
            item=self.item,
            subject_kind=subject_kind,
            source_ref=source_ref,
            decided_on=decided_on,
            end_date=end_date,
            tier=tier,
        )
        if not problems and source_ref:
            key = hash(source_ref)
            first = self._seen.get(key)
            if first is not None:
                problems.append(
                    RowProblem(
                        row,
                        "source_ref",
                        source_ref,
                        f"来源文号“{source_ref}”与第 {first} 行重复，同一单位同一目录项的文号不能重复",
                    )
                )
            else:
                self._seen[key] = row
        if problems:
            self.refuse(problems)
            return
        self._pending.append(Pending(row, subject_id, subject_kind, source_ref, decided_on, end_date, tier, values))
        if len(self._pending) >= CHUNK_ROWS:
            self.flush()

    # -- existing references -------------------------------------------------------------------

    def _existing(self, refs: list[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        if not self._has_existing or not refs:
            return found
        for start in range(0, len(refs), _LOOKUP):
            chunk = refs[start : start + _LOOKUP]
            rows = (
                Record.objects.filter(provider_id=self.provider.pk, item_code=self.item.code, source_ref__in=chunk)
                .exclude(status=RecordStatus.WITHDRAWN)
                .order_by()
                .only("pk", "subject_id", "source_ref", "decided_on", "end_date", "tier", "data", "status")
            )
            for record in rows:
                found[record.source_ref] = record
        return found

    def _resend(self, pending: Pending, record: Record) -> None:
        if record.subject_id != pending.subject_id:
            self.refuse(
                [
                    RowProblem(
                        pending.row,
                        "source_ref",
                        pending.source_ref,
                        f"来源文号“{pending.source_ref}”已用于另一主体的记录（记录 {record.pk}），不能改为其他主体，"
                        "请撤回原记录后重新报送",
                    )
                ]
            )
            return
        same = (
            record.data == pending.values
            and record.decided_on == pending.decided_on
            and record.end_date == pending.end_date
            and record.tier == pending.tier
        )
        if same:
            self.result.unchanged += 1
            return
        if not self.writing:
            return
        self._correct(
            actor=self.actor,
            record=record,
            reason=f"批次 {self.batch_ref} 重新报送，内容有变化",
            data=pending.values,
            decided_on=pending.decided_on,
            end_date=pending.end_date,
            tier=pending.tier,
        )
        self.result.updated += 1

    # -- writing -------------------------------------------------------------------------------

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        existing = self._existing([p.source_ref for p in pending if p.source_ref])
        new: list[Pending] = []
        for p in pending:
            record = existing.get(p.source_ref) if p.source_ref else None
            if record is not None:
                self._resend(p, record)
            else:
                new.append(p)
        if new and self.writing:
            self._insert(new)

    def _day(self, day: dt.date | None) -> str | None:
        """Dates as ISO text, which both backends store or parse as a date; few distinct values."""
        if day is None:
            return None
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = day.isoformat()
        return text

    def _derived(self, p: Pending) -> tuple[Derived, int]:
        derived = derive(
            self.ctx,
            item=self.item,
            subject_kind=p.subject_kind,
            decided_on=p.decided_on,
            end_date=p.end_date,
            tier=p.tier,
        )
        return derived, self.ctx.basis_id(derived.basis)

    def _row(self, record_id: int, p: Pending, found: tuple[Derived, int]) -> tuple[Any, ...]:
        item = self.item
        derived, basis = found
        period = derived.period
        day = self._day
        return (
            record_id,
            p.subject_id,
            p.subject_kind,
            item.pk,
            item.code,
            self.provider.pk,
            self.batch_ref,
            p.source_ref,
            item.info_class,
            item.kind,
            p.tier,
            day(p.decided_on),
            day(p.end_date),
            _json(p.values),
            "active",
            1,
            False,
            day(period.ends_on),
            day(period.retention_ends_on),
            basis,
            self._today,
            day(derived.report_due_on),
            derived.report_due_provisional,
            self._stamp,
            self._stamp,
        )

    _COLUMNS = (
        "id",
        "subject_id",
        "subject_kind",
        "item_id",
        "item_code",
        "provider_id",
        "batch_ref",
        "source_ref",
        "info_class",
        "kind",
        "tier",
        "decided_on",
        "end_date",
        "data",
        "status",
        "version",
        "self_declared",
        "disclosure_ends_on",
        "retention_ends_on",
        "basis_id",
        "reported_on",
        "report_due_on",
        "report_due_provisional",
        "created_at",
        "updated_at",
    )

    def _take_ids(self, count: int) -> list[int]:
        table = Record._meta.db_table
        with connection.cursor() as cursor:
            if self._postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [r[0] for r in cursor.fetchall()]
            # SQLite: the batch holds the write lock (BEGIN IMMEDIATE), so nobody else takes ids meanwhile.
            cursor.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
                " coalesce((SELECT max(id) FROM " + connection.ops.quote_name(table) + "), 0))",
                [table],
            )
            start = int(cursor.fetchone()[0]) + 1
            return list(range(start, start + count))

    def _insert(self, new: list[Pending]) -> None:
        # Bases are read or stored now: no other statement may run while the COPY is open.
        derived = [self._derived(p) for p in new]
        ids = self._take_ids(len(new))
        rows = (self._row(pk, p, d) for pk, p, d in zip(ids, new, derived, strict=True))
        qn = connection.ops.quote_name
        table = qn(Record._meta.db_table)
        columns = ", ".join(qn(c) for c in self._COLUMNS)
        with connection.cursor() as cursor:
            if self._postgres:
                # The queued writer sends from its own thread, so the server stores rows while
                # this thread prepares the next ones.
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
                    for values in rows:
                        copy.write_row(values)
            else:
                placeholders = ", ".join(["%s"] * len(self._COLUMNS))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows))
        insert_first_versions(
            provider_id=self.provider.pk,
            batch_ref=self.batch_ref,
            created_at=self._now,
            user_id=self.user_id,
            label=self.label,
            reason="归集",
            id_range=(min(ids), max(ids)),
        )
        if self._repairs:
            refs = ((pk, self.item.code, p.source_ref) for pk, p in zip(ids, new, strict=True) if p.source_ref)
            repairs_carry(self._repairs, refs, batch_ref=self.batch_ref)
        result = self.result
        result.created += len(new)
        result.first_record = ids[0] if result.first_record is None else min(result.first_record, ids[0])
        result.last_record = ids[-1] if result.last_record is None else max(result.last_record, ids[-1])

    def finish(self) -> StreamResult:
        self.flush()
        self.result.problems.sort(key=lambda p: p.row or 0)
        return self.result
