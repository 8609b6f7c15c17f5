"""The daily expiry sweep: period ends and due hide requests applied, set-based and idempotent.

- Organisations' records past `disclosure_ends_on` are archived (`disclosure.after_period_org`:
  西安 第二十二条, 元宝山 第二十八条): kept, no longer disclosed.
- Persons' records (`disclosure.after_period_person`): archived at the end of public disclosure;
  under `purge` (西安 第二十二条, 元宝山 第二十八条) purged once the retention end has passed too:
  the content of the record and its versions is emptied and a tombstone keeps the reason and
  the article.
- Good information whose subject asked for deletion (`disclosure.subject_may_hide_good` =
  delete, 元宝山 第二十八条) is purged on the request's due day and the provider is told.

Every step is a set-based UPDATE (or INSERT ... SELECT) over a window of `disclosure_ends_on`
holding about CHUNK rows, driven by partial indexes on what is still due, with the old status
in the WHERE clause (compare-and-swap): a second run on the same day finds nothing. One audit
event per run, with the counts.

A run may be given a time budget (`max_seconds`): it then stops after the chunk that spends it
and says it is incomplete, and the next run goes on from there (each chunk is committed on its
own). A first sweep over years of history (millions of status changes) thus spreads over several
nights instead of holding the database for many minutes; due hide requests, which have a legal
deadline, are applied first in every run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pubcredit.core.audit import audit_record
from pubcredit.disclosure.models.outcomes import HideMode, HideRequest, HideState, Tombstone
from pubcredit.notices.services import notices_send, organisation_staff
from pubcredit.ops.faults import fault_point
from pubcredit.policy import Policy, get_policy
from pubcredit.records.models import Record, RecordStatus, RecordVersion

CHUNK = 50_000

_RECORD = Record._meta.db_table
_VERSION = RecordVersion._meta.db_table
_TOMBSTONE = Tombstone._meta.db_table
_HIDE = HideRequest._meta.db_table
_KEPT = f"('{RecordStatus.ACTIVE}', '{RecordStatus.ARCHIVED}')"
_PERSON = "subject_kind = 'person'"
_ORG = "subject_kind <> 'person'"


class _Budget:
    """Time left for a run; at least one chunk of each step always runs, so every run progresses."""

    def __init__(self, max_seconds: float | None) -> None:
        self.deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self.stopped = False

    def spent(self) -> bool:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.stopped = True
        return self.stopped


@dataclass
class SweepResult:
    on: dt.date
    organisations_archived: int = 0
    persons_archived: int = 0
    persons_purged: int = 0
    hide_requests_applied: int = 0
    hidden_records_purged: int = 0
    complete: bool = True  # False when the time budget ran out first: the next run goes on

    @property
    def changed(self) -> int:
        return self.organisations_archived + self.persons_archived + self.persons_purged + self.hide_requests_applied


def _ids_in(subquery: str, column: str = "id") -> str:
    """`column` among the ids a subquery selects, as each backend plans best.

    PostgreSQL plans `IN (SELECT ...)` as a hash semi-join over a full scan of the outer table;
    `= ANY(ARRAY(subquery))` runs the subquery once and looks each id up by index.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(ARRAY({subquery}))"
    return f"{column} IN ({subquery})"


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _windows(day: dt.date, statuses: str) -> Iterator[tuple[Any, Any]]:
    """Windows [lo, hi) of `disclosure_ends_on` before `day`, each holding about CHUNK rows in `statuses`.

    Walking the partial index of active records' public ends (`record_active_disclosure_end`) window
    by window keeps every statement a range scan that never revisits rows changed by an earlier
    window (linear, not quadratic, in a large catch-up), and never walks records already archived;
    a single day holding more than CHUNK rows is one window.
    """
    ops = connection.ops
    lo: dt.date | None = None
    while lo is None or lo < day:
        lower = "" if lo is None else "AND disclosure_ends_on >= %s "
        params: list[Any] = [ops.adapt_datefield_value(day)]
        if lo is not None:
            params.append(ops.adapt_datefield_value(lo))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT disclosure_ends_on FROM {_RECORD} WHERE disclosure_ends_on < %s {lower}"
                f"AND status IN {statuses} ORDER BY disclosure_ends_on LIMIT 1 OFFSET {CHUNK}",
                params,
            )
            row = cursor.fetchone()
        hi = day if row is None else _as_date(row[0])
        if lo is not None and hi <= lo:
            hi = min(lo + dt.timedelta(days=1), day)
        yield (None if lo is None else ops.adapt_datefield_value(lo)), ops.adapt_datefield_value(hi)
        if row is None:
            return
        lo = hi


def _window_sql(lo: Any, hi: Any) -> tuple[str, list[Any]]:
    if lo is None:
        return "disclosure_ends_on < %s", [hi]
    return "disclosure_ends_on >= %s AND disclosure_ends_on < %s", [lo, hi]


def _archive(day: dt.date, now: Any, *, kinds: str, budget: _Budget) -> tuple[int, int]:
    """Active records past their public end archived; returns (organisations, persons)."""
    orgs = persons = 0
    for lo, hi in _windows(day, f"('{RecordStatus.ACTIVE}')"):
        if (orgs or persons) and budget.spent():
            break
        window, params = _window_sql(lo, hi)
        orgs_here = persons_here = 0
        with transaction.atomic(), connection.cursor() as cursor:
            for kind in (_ORG, _PERSON):
                if kind not in kinds:
                    continue
                cursor.execute(
                    f"UPDATE {_RECORD} SET status = '{RecordStatus.ARCHIVED}', updated_at = %s "
                    f"WHERE {window} AND status = '{RecordStatus.ACTIVE}' AND {kind}",
                    [now, *params],
                )
                if kind == _ORG:
                    orgs_here = cursor.rowcount
                else:
                    persons_here = cursor.rowcount
            _audit_window({"organisations_archived": orgs_here, "persons_archived": persons_here}, window=(lo, hi))
        orgs += orgs_here
        persons += persons_here
        fault_point("sweep.archive.after_chunk")
    return orgs, persons


def _audit_window(counts: dict[str, int], *, window: tuple[Any, Any] | None = None) -> None:
    """One audit event per committed chunk, inside its transaction: a run killed half-way leaves
    every change it committed in the audit log (the run's own event comes only at its end)."""
    if any(counts.values()):
        data: dict[str, Any] = dict(counts)
        if window is not None:
            data["window"] = [None if bound is None else str(bound) for bound in window]
        audit_record(actor=None, action="disclosure.sweep.chunk", data=data)


def _purge(
    where: str, params: list[Any], *, now: Any, reason: str, article: str, pack: str, counter: str = "persons_purged"
) -> int:
    """Purge the kept records matching `where`, in one transaction (compare-and-swap on status).

    The versions' content is emptied first, then a tombstone is written per record, then the
    record's content is emptied and its status set to purged; the same condition selects the
    rows each time, so nothing else can slip in between.
    """
    kept = f"status IN {_KEPT} AND {where}"
    with transaction.atomic(), connection.cursor() as cursor:
        purged_ids = _ids_in(f"SELECT id FROM {_RECORD} WHERE {kept}", "record_id")
        cursor.execute(f"UPDATE {_VERSION} SET data = '{{}}' WHERE {purged_ids}", params)
        fault_point("sweep.purge.mid_transaction")
        cursor.execute(
            f"INSERT INTO {_TOMBSTONE} (record_id, item_code, subject_kind, reason, article, pack, purged_at) "
            f"SELECT id, item_code, subject_kind, %s, %s, %s, %s FROM {_RECORD} WHERE {kept}",
            [reason, article, pack, now, *params],
        )
        cursor.execute(
            f"UPDATE {_RECORD} SET status = '{RecordStatus.PURGED}', data = '{{}}', updated_at = %s WHERE {kept}",
            [now, *params],
        )
        purged = int(cursor.rowcount)
        _audit_window({counter: purged})
        return purged


#: Persons' kept records past the end of their retention: the condition of the partial index
#: `record_person_retention_end` written the same way, so the planner uses it.
_PERSON_DUE = (
    f"{_PERSON} AND status IN {_KEPT} AND disclosure_ends_on IS NOT NULL "
    "AND COALESCE(retention_ends_on, disclosure_ends_on) < %s"
)


def _purge_persons(day: dt.date, now: Any, policy: Policy, budget: _Budget) -> int:
    """Persons' records past both the public and the retention end (retention_ends_on >= disclosure_ends_on).

    Read along the partial index on the retention end, CHUNK ids at a time, each chunk purged under
    the same condition (compare-and-swap); a day with nothing to purge is one index probe.
    """
    param = policy.param("disclosure.after_period_person")
    db_day = connection.ops.adapt_datefield_value(day)
    total = 0
    while not (total and budget.spent()):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {_RECORD} WHERE {_PERSON_DUE} "
                f"ORDER BY COALESCE(retention_ends_on, disclosure_ends_on) LIMIT {CHUNK}",
                [db_day],
            )
            ids = [int(row[0]) for row in cursor.fetchall()]
        if not ids:
            return total
        total += _purge(
            f"id IN ({', '.join(map(str, ids))}) AND {_PERSON_DUE}",
            [db_day],
            now=now,
            reason="自然人信用信息查询期限届满，予以删除",
            article=param.article,
            pack=param.pack,
        )
    return total


def _apply_hides(day: dt.date, now: Any, policy: Policy) -> tuple[int, int]:
    """Due requests to delete good information: records purged, requests applied, provider told."""
    param = policy.param("disclosure.subject_may_hide_good")
    db_day = connection.ops.adapt_datefield_value(day)
    due = f"state = '{HideState.PENDING}' AND mode = '{HideMode.DELETE}' AND due_on <= %s"
    purged = _purge(
        _ids_in(f"SELECT record_id FROM {_HIDE} WHERE {due}"),
        [db_day],
        now=now,
        reason="信息主体要求删除本人良好信息",
        article=param.article,
        pack=param.pack,
        counter="hidden_records_purged",
    )
    told = list(
        HideRequest.objects.filter(state=HideState.PENDING, mode=HideMode.DELETE, due_on__lte=day).values_list(
            "record_id", "record__item_code", "record__provider_id"
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_HIDE} SET state = '{HideState.APPLIED}', applied_at = %s, provider_notified_at = %s WHERE {due}",
            [now, now, db_day],
        )
        applied = int(cursor.rowcount)
    _tell_providers(told, article=param.article)
    return applied, purged


def _tell_providers(deleted: list[tuple[int, str, int]], *, article: str) -> None:
    """元宝山 第二十八条: the provider is told that the subject's good information was deleted.

    One message per provider to its active staff (in the platform, and by e-mail to those with an
    address); it names records by number and item code only, nothing personal.
    """
    by_provider: dict[int, list[str]] = {}
    for record_id, item_code, provider_id in deleted:
        by_provider.setdefault(provider_id, []).append(f"记录 {record_id}（{item_code}）")
    for provider_id, lines in by_provider.items():
        notices_send(
            recipients=organisation_staff(provider_id),
            topic="disclosure.hidden_good_deleted",
            title="良好信息已按信息主体要求删除",
            body=f"根据{article}，应信息主体要求，以下良好信息已从公共信用信息平台删除：\n" + "\n".join(lines),
        )


def disclosure_sweep(*, on: dt.date | None = None, max_seconds: float | None = None) -> SweepResult:
    """Apply every period end and due hide request up to `on` (today), under the pack in force that
    day; with `max_seconds`, stop once that time is spent (see the module's docstring)."""
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    budget = _Budget(max_seconds)
    result = SweepResult(on=day)
    org_mode = policy.value("disclosure.after_period_org")
    person_mode = policy.value("disclosure.after_period_person")
    result.hide_requests_applied, result.hidden_records_purged = _apply_hides(day, now, policy)
    if person_mode == "purge":
        result.persons_purged = _purge_persons(day, now, policy, budget)
    kinds = (_ORG if org_mode == "archive" else "") + (_PERSON if person_mode in ("purge", "archive") else "")
    if kinds:
        result.organisations_archived, result.persons_archived = _archive(day, now, kinds=kinds, budget=budget)
    result.complete = not budget.stopped
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
