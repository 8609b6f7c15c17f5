"""The polling publisher: turn new rows of the source tables into `ChangeEvent`s, in order.

Sources, each read past its own watermark:

- `records.RecordVersion` by id: every version (created, corrected, withdrawn);
- `records.Annotation` by id (a hold placed), and the placed holds that have since become
  inactive (a hold lifted: `record_hold_lift` sets `active = False` without a new row);
- `lists.ListEntry` by `updated_at` (entry, exit, void), re-reading the last `SETTLE` so that a
  save committed late is not missed;
- `disclosure.Tombstone` by id (a purged record).

Ids are read in order; a hole in the ids (a writer that has taken an id and not yet committed, or
a rolled-back insert) holds the watermark back for `SETTLE`, while the rows after it are emitted
at once: every event has a unique (source table, source id, source version) key, so reading a row
twice adds nothing. Collectors are serialised by locking the watermark rows (PostgreSQL) or by
SQLite's single write lock, so event ids grow in commit order and a reader never skips one.

Not covered: the disclosure sweep archives records by a set-based UPDATE without a new version
(archiving is decided by each platform's own pack), and purges empty the versions' content in
place; the purge is published from its tombstone, and the content of the record's earlier
events is emptied then, so the feed does not keep what the platform deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pubcredit.disclosure.models.outcomes import Tombstone
from pubcredit.exchange.models import ChangeEvent, ChangeKind, CollectWatermark
from pubcredit.lists.models import EntryState, ListEntry
from pubcredit.records.models import Annotation, Record, RecordVersion

# Platform default, not a regulation: longer than any batch transaction takes to commit.
SETTLE = dt.timedelta(minutes=30)
BATCH = 2000

SOURCES = ("record_version", "annotation", "annotation_lift", "list_entry", "tombstone")
_LIST_VERSION = {EntryState.IN_FORCE: 1, EntryState.ENDED: 2, EntryState.VOID: 3}


@dataclass
class CollectResult:
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))

    @property
    def total(self) -> int:
        return sum(self.added.values())


def subject_key(subject: Any) -> str:
    """USCC of an organisation, blind index of a person: never the ID number."""
    return str(subject.uscc or "") if subject.kind == "org" else str(subject.id_number_index or "")


def _subject_out(subject: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": subject.kind, "key": subject_key(subject)}
    if subject.kind == "org":
        out.update(name=subject.name, uscc=subject.uscc)
    else:
        out.update(name=subject.public_name, masked_id=subject.id_number_masked)
    return out


def _organisation_out(organisation: Any) -> dict[str, Any]:
    return {"name": organisation.name, "uscc": organisation.uscc or ""}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _watermarks() -> dict[str, CollectWatermark]:
    for source in SOURCES:
        CollectWatermark.objects.get_or_create(source=source)
    locked = CollectWatermark.objects.select_for_update().filter(source__in=SOURCES).order_by("source")
    return {mark.source: mark for mark in locked}


def _add(events: list[ChangeEvent]) -> int:
    """Insert the events whose source key is new, in the order given; returns how many."""
    if not events:
        return 0
    table = events[0].source_table
    ids = {event.source_id for event in events}
    seen = set(
        ChangeEvent.objects.filter(source_table=table, source_id__in=ids).values_list("source_id", "source_version")
    )
    fresh = [event for event in events if (event.source_id, event.source_version) not in seen]
    ChangeEvent.objects.bulk_create(fresh)
    return len(fresh)


def _advance(mark: CollectWatermark, ids: list[int], now: dt.datetime) -> None:
    """Move the id watermark over the contiguous run read; wait `SETTLE` at a hole."""
    expected = mark.last_id + 1
    for value in ids:
        if value != expected:
            if mark.gap_since is None:
                mark.gap_since = now
                return
            if now - mark.gap_since < SETTLE:
                return
            mark.gap_since = None  # a hole older than any transaction: a rolled-back insert
        expected = value + 1
        mark.last_id = value
    mark.gap_since = None


def _version_events(versions: Iterable[RecordVersion]) -> list[ChangeEvent]:
    events = []
    for version in versions:
        record = version.record
        events.append(
            ChangeEvent(
                kind=ChangeKind.RECORD_VERSION,
                subject_kind=record.subject_kind,
                subject_key=subject_key(record.subject),
                item_code=record.item_code,
                source_table="record_version",
                source_id=version.pk,
                source_version=version.version,
                record_ref=record.pk,
                provider_ref=record.provider_id,
                payload={
                    "record": record.pk,
                    "version": version.version,
                    "status": version.status,
                    "item_code": record.item_code,
                    "item_version": version.item_version,  # type: ignore[attr-defined]
                    "provider": _organisation_out(record.provider),
                    "subject": _subject_out(record.subject),
                    "source_ref": record.source_ref,
                    "batch_ref": record.batch_ref,
                    "decided_on": _day(version.decided_on),
                    "end_date": _day(version.end_date),
                    "tier": version.tier,
                    "data": version.data,
                    "reason": version.reason,
                    "changed_at": version.created_at.isoformat(),
                },
            )
        )
    return events


def _hold_event(annotation: Annotation, *, lifted: bool) -> ChangeEvent:
    record: Record = annotation.record
    return ChangeEvent(
        kind=ChangeKind.HOLD_LIFTED if lifted else ChangeKind.HOLD_PLACED,
        subject_kind=record.subject_kind,
        subject_key=subject_key(record.subject),
        item_code=record.item_code,
        source_table="annotation",
        source_id=annotation.pk,
        source_version=2 if lifted else 1,
        record_ref=record.pk,
        provider_ref=record.provider_id,
        payload={
            "annotation": annotation.pk,
            "record": record.pk,
            "kind": annotation.kind,
            "text": "" if lifted else annotation.text,
            "article": annotation.article,
            "active": annotation.active,
        },
    )


def _collect_ids(mark: CollectWatermark, rows: list[Any], build: Any, now: dt.datetime) -> int:
    added = _add(build(rows))
    _advance(mark, [row.pk for row in rows], now)
    mark.save()
    return added


def _collect_versions(mark: CollectWatermark, now: dt.datetime) -> int:
    rows = list(
        RecordVersion.objects.filter(pk__gt=mark.last_id)
        .select_related("record__subject", "record__provider")
        # The record's current content and the catalogue's field lists are not needed: the
        # version carries its own content (decoding the rest was most of the time).
        .defer("record__data", "record__subject__id_number_cipher")
        .annotate(item_version=F("record__item__version"))
        .order_by("pk")[:BATCH]
    )
    return _collect_ids(mark, rows, _version_events, now)


def _collect_holds(mark: CollectWatermark, now: dt.datetime) -> int:
    rows = list(Annotation.objects.filter(pk__gt=mark.last_id).select_related("record__subject").order_by("pk")[:BATCH])
    return _collect_ids(mark, rows, lambda found: [_hold_event(a, lifted=False) for a in found], now)


def _collect_lifts() -> int:
    placed = ChangeEvent.objects.filter(source_table="annotation", source_version=1).values("source_id")
    lifted = ChangeEvent.objects.filter(source_table="annotation", source_version=2).values("source_id")
    rows = list(
        Annotation.objects.filter(active=False, pk__in=placed)
        .exclude(pk__in=lifted)
        .select_related("record__subject")
        .order_by("pk")[:BATCH]
    )
    return _add([_hold_event(a, lifted=True) for a in rows])


def _collect_list_entries(mark: CollectWatermark, now: dt.datetime) -> int:
    entries = ListEntry.objects.select_related("list_type", "subject", "department")
    if mark.last_changed_at is not None:
        entries = entries.filter(updated_at__gte=mark.last_changed_at - SETTLE)
    rows = list(entries.order_by("updated_at", "pk")[:BATCH])
    events = []
    for entry in rows:
        version = _LIST_VERSION.get(EntryState(entry.state), 1)
        events.append(
            ChangeEvent(
                kind=ChangeKind.LIST_ENTRY if entry.state == EntryState.IN_FORCE else ChangeKind.LIST_EXIT,
                subject_kind=entry.subject.kind,
                subject_key=subject_key(entry.subject),
                item_code=f"list:{entry.list_type.code}",
                source_table="list_entry",
                source_id=entry.pk,
                source_version=version,
                payload={
                    "entry": entry.pk,
                    "number": entry.number or "",
                    "list_type": entry.list_type.code,
                    "list_kind": entry.kind,
                    "subject": _subject_out(entry.subject),
                    "department": _organisation_out(entry.department),
                    "decision_number": entry.decision_number,
                    "reason": entry.reason,
                    "decided_on": _day(entry.decided_on),
                    "starts_on": _day(entry.starts_on),
                    "ends_on": _day(entry.ends_on),
                    "state": entry.state,
                    "exit_reason": entry.exit_reason,
                    "exited_on": _day(entry.exited_on),
                },
            )
        )
    added = _add(events)
    if rows:
        newest = rows[-1].updated_at
        if mark.last_changed_at is None or newest > mark.last_changed_at:
            mark.last_changed_at = newest
            mark.save()
    return added


def _tombstone_events(rows: list[Tombstone]) -> list[ChangeEvent]:
    records = {
        record.pk: record
        for record in Record.objects.filter(pk__in=[t.record_id for t in rows]).select_related("subject")
    }
    events = []
    for tombstone in rows:
        record = records.get(tombstone.record_id)
        events.append(
            ChangeEvent(
                kind=ChangeKind.PURGE,
                subject_kind=tombstone.subject_kind,
                subject_key=subject_key(record.subject) if record is not None else "",
                item_code=tombstone.item_code,
                source_table="tombstone",
                source_id=tombstone.pk,
                source_version=1,
                record_ref=tombstone.record_id,
                provider_ref=record.provider_id if record is not None else None,
                payload={
                    "record": tombstone.record_id,
                    "item_code": tombstone.item_code,
                    "reason": tombstone.reason,
                    "article": tombstone.article,
                    "pack": tombstone.pack,
                    "purged_at": tombstone.purged_at.isoformat(),
                },
            )
        )
    return events


def _scrub_purged(record_ids: list[int]) -> None:
    """A purged record's content leaves the feed too: the earlier events of its versions keep the
    version numbers and status, their content is emptied and marked purged."""
    for event in ChangeEvent.objects.filter(source_table="record_version", record_ref__in=record_ids):
        if not event.payload.get("purged"):
            event.payload = {**event.payload, "data": {}, "purged": True}
            event.save(update_fields=["payload"])


def _collect_tombstones(mark: CollectWatermark, now: dt.datetime) -> int:
    rows = list(Tombstone.objects.filter(pk__gt=mark.last_id).order_by("pk")[:BATCH])
    if rows:
        _scrub_purged([row.record_id for row in rows])
    return _collect_ids(mark, rows, _tombstone_events, now)


def _nothing_new(marks: dict[str, CollectWatermark]) -> bool:
    """Cheap check before taking any lock: nothing past the watermarks and no lift to publish."""
    if any(mark.gap_since is not None for mark in marks.values()):
        return False
    if RecordVersion.objects.filter(pk__gt=marks["record_version"].last_id).exists():
        return False
    if Annotation.objects.filter(pk__gt=marks["annotation"].last_id).exists():
        return False
    if Tombstone.objects.filter(pk__gt=marks["tombstone"].last_id).exists():
        return False
    changed = marks["list_entry"].last_changed_at
    entries = ListEntry.objects.all() if changed is None else ListEntry.objects.filter(updated_at__gt=changed)
    return not entries.exists() and not _lifts_pending()


def _lifts_pending() -> bool:
    placed = ChangeEvent.objects.filter(source_table="annotation", source_version=1).values("source_id")
    lifted = ChangeEvent.objects.filter(source_table="annotation", source_version=2).values("source_id")
    return Annotation.objects.filter(active=False, pk__in=placed).exclude(pk__in=lifted).exists()


def exchange_collect(*, max_batches: int = 50, force: bool = False) -> CollectResult:
    """Append the changes not yet published, one transaction per batch; idempotent.

    Without `force` a quick check without locks returns at once when nothing is new (each feed
    request runs this); `pubcredit exchange collect` forces the full pass, which also re-reads
    the list entries saved in the last `SETTLE`.
    """
    result = CollectResult()
    marks = {mark.source: mark for mark in CollectWatermark.objects.filter(source__in=SOURCES)}
    if not force and len(marks) == len(SOURCES) and _nothing_new(marks):
        return result
    for _ in range(max_batches):
        now = timezone.now()
        with transaction.atomic():
            locked = _watermarks()
            step = {
                "record_version": _collect_versions(locked["record_version"], now),
                "annotation": _collect_holds(locked["annotation"], now),
                "annotation_lift": _collect_lifts(),
                "list_entry": _collect_list_entries(locked["list_entry"], now),
                "tombstone": _collect_tombstones(locked["tombstone"], now),
            }
        for source, count in step.items():
            result.added[source] += count
        if not any(step.values()):
            break
    return result
