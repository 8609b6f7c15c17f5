"""The daily expiry sweep: period ends and due hide requests applied, set-based and idempotent.

- Organisations' records past `disclosure_ends_on` are archived (`disclosure.after_period_org`:
  西安 第二十二条, 元宝山 第二十八条): kept, no longer disclosed.
- Persons' records (`disclosure.after_period_person`): archived at the end of public disclosure;
  under `purge` (西安 第二十二条, 元宝山 第二十八条) purged once the retention end has passed too:
  the content of the record and its versions is emptied and a tombstone keeps the reason and
  the article.
- Good information whose subject asked for deletion (`disclosure.subject_may_hide_good` =
  delete, 元宝山 第二十八条) is purged on the request's due day and the provider is told.

Every step is `UPDATE ... WHERE id IN (SELECT id ... LIMIT n)` in chunks, driven by the
(disclosure_ends_on, status) index, with the old status in the WHERE clause (compare-and-swap):
a second run on the same day finds nothing. One audit event per run, with the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pubcredit.core.audit import audit_record
from pubcredit.disclosure.models.outcomes import HideMode, HideRequest, HideState, Tombstone
from pubcredit.policy import Policy, get_policy
from pubcredit.records.models import Record, RecordStatus, RecordVersion

CHUNK = 50_000

_RECORD = Record._meta.db_table
_VERSION = RecordVersion._meta.db_table
_TOMBSTONE = Tombstone._meta.db_table
_HIDE = HideRequest._meta.db_table
_KEPT = f"('{RecordStatus.ACTIVE}', '{RecordStatus.ARCHIVED}')"


@dataclass
class SweepResult:
    on: dt.date
    organisations_archived: int = 0
    persons_archived: int = 0
    persons_purged: int = 0
    hide_requests_applied: int = 0
    hidden_records_purged: int = 0

    @property
    def changed(self) -> int:
        return self.organisations_archived + self.persons_archived + self.persons_purged + self.hide_requests_applied


def _chunked(sql: str, params: list[Any]) -> int:
    """Run an UPDATE limited to CHUNK rows by its subquery until it changes nothing."""
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            changed = cursor.rowcount
        total += changed
        if changed < CHUNK:
            return total


def _archive(day: Any, now: Any, *, person: bool) -> int:
    kind_test = "subject_kind = 'person'" if person else "subject_kind <> 'person'"
    sql = (
        f"UPDATE {_RECORD} SET status = '{RecordStatus.ARCHIVED}', updated_at = %s "
        f"WHERE status = '{RecordStatus.ACTIVE}' AND id IN ("
        f"SELECT id FROM {_RECORD} WHERE disclosure_ends_on < %s AND status = '{RecordStatus.ACTIVE}' "
        f"AND {kind_test} LIMIT {CHUNK})"
    )
    return _chunked(sql, [now, day])


def _purge(candidates: str, params: list[Any], *, now: Any, reason: str, article: str, pack: str) -> int:
    """Purge the records `candidates` (SQL selecting ids of kept records) in chunks.

    Per chunk, in one transaction: tombstones first (unique by record), then the versions' and
    the record's content emptied for the records that got a tombstone in this chunk (found by
    the tombstones' primary key, above the highest one before the chunk).
    """
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_TOMBSTONE}")
            mark = cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO {_TOMBSTONE} (record_id, item_code, subject_kind, reason, article, pack, purged_at) "
                f"SELECT id, item_code, subject_kind, %s, %s, %s, %s FROM {_RECORD} "
                f"WHERE status IN {_KEPT} AND id IN ({candidates}) ORDER BY id LIMIT {CHUNK}",
                [reason, article, pack, now, *params],
            )
            inserted = cursor.rowcount
            fresh = f"SELECT record_id FROM {_TOMBSTONE} WHERE id > %s"
            cursor.execute(f"UPDATE {_VERSION} SET data = '{{}}' WHERE record_id IN ({fresh})", [mark])
            cursor.execute(
                f"UPDATE {_RECORD} SET status = '{RecordStatus.PURGED}', data = '{{}}', updated_at = %s "
                f"WHERE status IN {_KEPT} AND id IN ({fresh})",
                [now, mark],
            )
            total += cursor.rowcount
        if inserted < CHUNK:
            return total


def _persons_expired(day: Any) -> tuple[str, list[Any]]:
    """Persons' records past both the public and the retention end (retention_ends_on >= disclosure_ends_on)."""
    sql = (
        f"SELECT id FROM {_RECORD} WHERE disclosure_ends_on < %s AND status IN {_KEPT} "
        "AND subject_kind = 'person' AND (retention_ends_on IS NULL OR retention_ends_on < %s)"
    )
    return sql, [day, day]


def _hides_due(day: Any) -> tuple[str, list[Any]]:
    sql = (
        f"SELECT record_id FROM {_HIDE} WHERE state = '{HideState.PENDING}' "
        f"AND mode = '{HideMode.DELETE}' AND due_on <= %s"
    )
    return sql, [day]


def _apply_hides(day: Any, now: Any, policy: Policy) -> tuple[int, int]:
    param = policy.param("disclosure.subject_may_hide_good")
    candidates, params = _hides_due(day)
    purged = _purge(
        candidates, params, now=now, reason="信息主体要求删除本人良好信息", article=param.article, pack=param.pack
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_HIDE} SET state = '{HideState.APPLIED}', applied_at = %s, provider_notified_at = %s "
            f"WHERE state = '{HideState.PENDING}' AND mode = '{HideMode.DELETE}' AND due_on <= %s",
            [now, now, day],
        )
        applied = cursor.rowcount
    return applied, purged


def disclosure_sweep(*, on: dt.date | None = None) -> SweepResult:
    """Apply every period end and due hide request up to `on` (today), under the pack in force that day."""
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    ops = connection.ops
    db_day = ops.adapt_datefield_value(day)
    now = ops.adapt_datetimefield_value(timezone.now())
    result = SweepResult(on=day)
    if policy.value("disclosure.after_period_org") == "archive":
        result.organisations_archived = _archive(db_day, now, person=False)
    person_mode = policy.value("disclosure.after_period_person")
    if person_mode == "purge":
        param = policy.param("disclosure.after_period_person")
        candidates, params = _persons_expired(db_day)
        result.persons_purged = _purge(
            candidates,
            params,
            now=now,
            reason="自然人信用信息查询期限届满，予以删除",
            article=param.article,
            pack=param.pack,
        )
    if person_mode in ("purge", "archive"):
        result.persons_archived = _archive(db_day, now, person=True)
    result.hide_requests_applied, result.hidden_records_purged = _apply_hides(db_day, now, policy)
    with transaction.atomic():
        data = {key: value for key, value in asdict(result).items() if key != "on"}
        audit_record(
            actor=None,
            action="disclosure.sweep",
            data={
                "on": day.isoformat(),
                **data,
                "pack": policy.code,
                "after_period_org": policy.param("disclosure.after_period_org").article,
                "after_period_person": policy.param("disclosure.after_period_person").article,
            },
        )
    return result
