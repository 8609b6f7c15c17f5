"""Reads of record exports: who sees which export requests, and the records an export holds.

The records go through the disclosure decision like every other way out: an OPERATOR viewer
(the requester) over the export's scope, kept records only (active and archived; purged and
withdrawn ones are never exported), each decided by `decide`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import Actor, is_superuser
from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.selectors import user_roles
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.disclosure import rules
from pubcredit.disclosure.models.export_request import ExportRequest
from pubcredit.disclosure.rules import decide
from pubcredit.disclosure.selectors.facts import facts_for, with_holds
from pubcredit.disclosure.selectors.records import Disclosed
from pubcredit.disclosure.viewers import Viewer
from pubcredit.policy import get_policy
from pubcredit.records.models import Record, RecordStatus

UserLike = Actor  # an API client is never staff here: these pages and writes are for users

_KEPT = (RecordStatus.ACTIVE, RecordStatus.ARCHIVED)


def user_requests_exports(user: UserLike) -> bool:
    """Credit-centre operators ask for exports (西安 第三十八条: staff, within set permissions)."""
    return isinstance(user, User) and user.is_active and (is_superuser(user) or Role.OPERATOR in user_roles(user))


def user_approves_exports(user: UserLike) -> bool:
    """Another operator or an authority user approves; never the requester (checked per request)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return is_superuser(user) or bool(user_roles(user) & {Role.OPERATOR, Role.AUTHORITY})


def user_sees_exports(user: UserLike) -> bool:
    """Operators and authorities (who request and approve) and auditors (read-only) see the list."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return is_superuser(user) or bool(user_roles(user) & {Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR})


def export_requests_visible_to(user: UserLike) -> QuerySet[ExportRequest]:
    rows = ExportRequest.objects.select_related("provider", "requested_by", "decided_by")
    return rows.all() if user_sees_exports(user) else rows.none()


def export_request_get_visible(user: UserLike, pk: int) -> ExportRequest:
    row = export_requests_visible_to(user).filter(pk=pk).first()
    if row is None:
        raise NotFound(f"导出申请 {pk} 不存在", field="export")
    return row


def export_providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_provider=True).order_by("name")


def export_scope_records(
    *, subject_kind: str, provider_id: int | None, item_code: str, decided_from: dt.date, decided_to: dt.date
) -> QuerySet[Record]:
    """Kept records in the scope, without holds: for counting before and reading after approval."""
    records = Record.objects.filter(
        subject_kind=subject_kind, status__in=_KEPT, decided_on__gte=decided_from, decided_on__lte=decided_to
    )
    if provider_id is not None:
        records = records.filter(provider_id=provider_id)
    if item_code:
        records = records.filter(item_code=item_code)
    return records


def export_records(export: ExportRequest, *, viewer: Viewer, limit: int, on: dt.date | None = None) -> list[Disclosed]:
    """The export's records as the requester (an OPERATOR viewer) may see them, oldest first, at
    most `limit` + 1 (so that the caller can tell that the scope is too large)."""
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    hiding_allowed = rules.hiding_applies(policy)
    scope = export_scope_records(
        subject_kind=export.subject_kind,
        provider_id=export.provider_id,
        item_code=export.item_code,
        decided_from=export.decided_from,
        decided_to=export.decided_to,
    )
    rows = list(
        with_holds(scope, hiding_allowed=hiding_allowed)
        .select_related("item", "subject", "provider")
        .order_by("decided_on", "id")[: limit + 1]
    )
    result: list[Disclosed] = []
    for record, facts in zip(rows, facts_for(rows, hiding_allowed=hiding_allowed), strict=True):
        decision = decide(facts, viewer, day, policy)
        if decision.shown:
            result.append(Disclosed(record, decision))
    return result
