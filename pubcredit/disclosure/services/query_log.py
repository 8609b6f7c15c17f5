"""Writes to the query log (查询日志) and its retention sweep.

Every look at non-public information writes one entry, a staff member's own included (西安
第十九条、第三十八条, 元宝山 第二十七条); refusals are written too, with the reason (大连 第十二条).
Public views of public information need none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from pubcredit.core.audit import audit_record, audit_text
from pubcredit.core.errors import ValidationFailed
from pubcredit.disclosure.models.query_log import QueryLogEntry, QueryOutcome
from pubcredit.disclosure.viewers import Viewer
from pubcredit.policy import get_policy
from pubcredit.records.rules import add_months
from pubcredit.subjects.models import Subject

PURGE_CHUNK = 10_000


def retain_until(day: dt.date) -> tuple[dt.date, str]:
    """The last day an entry written on `day` is kept (`query_log.retention_years`) and the article."""
    param = get_policy(on=day).param("query_log.retention_years")
    years = param.value if isinstance(param.value, int) else 5
    return add_months(day, 12 * years), param.article


def _entry(
    viewer: Viewer, subject_id: int, codes: list[str], outcome: str, reason: str, now: dt.datetime
) -> QueryLogEntry:
    until, article = retain_until(timezone.localdate(now))
    return QueryLogEntry(
        created_at=now,
        viewer_label=audit_text(viewer.label)[:150],
        viewer_kind=str(viewer.kind),
        user_id=viewer.user_id,
        api_client_id=viewer.api_client_id,
        organisation_id=viewer.organisation_id,
        subject_id=subject_id,
        item_codes=codes,
        purpose=viewer.purpose[:300],
        basis=viewer.basis[:200],
        outcome=outcome,
        reason=audit_text(reason)[:300],
        retain_until=until,
        retain_article=article[:100],
    )


def _check_outcome(outcome: str) -> None:
    if outcome not in QueryOutcome.values:
        raise ValidationFailed(f"查询结果“{outcome}”无效，可选：{'、'.join(QueryOutcome.values)}", field="outcome")


@transaction.atomic
def query_log_write(
    *,
    viewer: Viewer,
    subject: Subject,
    item_codes: Iterable[str],
    outcome: str = QueryOutcome.SHOWN,
    reason: str = "",
) -> QueryLogEntry:
    _check_outcome(outcome)
    codes = sorted(set(item_codes))
    entry = _entry(viewer, subject.pk, codes, outcome, reason, timezone.now())
    entry.save(force_insert=True)
    audit_record(
        actor=None,
        action="disclosure.query",
        target=entry,
        data={
            "viewer": audit_text(viewer.label),
            "viewer_kind": str(viewer.kind),
            "user_id": viewer.user_id,
            "api_client_id": viewer.api_client_id,
            "subject_id": subject.pk,
            "items": codes,
            "outcome": outcome,
        },
    )
    return entry


@transaction.atomic
def query_log_write_many(
    *,
    viewer: Viewer,
    subjects: Sequence[Subject],
    item_codes: Iterable[str],
    outcome: str = QueryOutcome.SHOWN,
    reason: str = "",
) -> int:
    """One entry per subject for one batch look (government sharing of up to 10,000 subjects),
    written together, and one audit event for the call rather than one per subject."""
    _check_outcome(outcome)
    if not subjects:
        return 0
    codes = sorted(set(item_codes))
    now = timezone.now()
    QueryLogEntry.objects.bulk_create(
        [_entry(viewer, subject.pk, codes, outcome, reason, now) for subject in subjects], batch_size=2_000
    )
    audit_record(
        actor=None,
        action="disclosure.query.batch",
        data={
            "viewer": audit_text(viewer.label),
            "viewer_kind": str(viewer.kind),
            "api_client_id": viewer.api_client_id,
            "user_id": viewer.user_id,
            "basis": viewer.basis,
            "subjects": len(subjects),
            "items": codes,
            "outcome": outcome,
        },
    )
    return len(subjects)


def query_log_purge(*, on: dt.date | None = None) -> int:
    """Delete entries past `retain_until`, in chunks by index; one audit event per run."""
    day = on or timezone.localdate()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                QueryLogEntry.objects.filter(retain_until__lt=day).order_by().values_list("id", flat=True)[:PURGE_CHUNK]
            )
            if not ids:
                break
            deleted, _ = QueryLogEntry.objects.filter(id__in=ids, retain_until__lt=day).delete()
            total += deleted
    if total:  # a second run the same day finds nothing and leaves no trace
        with transaction.atomic():
            audit_record(
                actor=None, action="disclosure.query_log.purge", data={"on": day.isoformat(), "deleted": total}
            )
    return total
