"""Reads of the query log: the subject's "who looked at my record and why", and auditors' view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may, is_superuser
from pubcredit.core.roles import Role
from pubcredit.disclosure.models.query_log import QueryLogEntry, QueryOutcome
from pubcredit.records.models import Record
from pubcredit.subjects.models import Subject


def query_log_for_subject(subject: Subject, *, limit: int = 200) -> list[QueryLogEntry]:
    """Newest first, by the (subject, created_at) index."""
    return list(QueryLogEntry.objects.filter(subject=subject).order_by("-created_at", "-id")[:limit])


def query_log_visible_to(actor: Actor) -> QuerySet[QueryLogEntry]:
    """Auditors and the credit centre see every entry; a subject's account its own subject's."""
    if is_superuser(actor) or actor_may(actor, Role.AUDITOR, Role.OPERATOR, Role.AUTHORITY):
        return QueryLogEntry.objects.all()
    subject_id = getattr(actor, "subject_id", None)
    if subject_id is not None:
        return QueryLogEntry.objects.filter(subject_id=subject_id)
    return QueryLogEntry.objects.none()


@dataclass(frozen=True, slots=True)
class QueryRecipient:
    """Someone the platform gave a record to: a signed-in user, an API client, an organisation."""

    viewer_kind: str
    user_id: int | None
    organisation_id: int | None
    api_client_id: int | None


def query_log_recipients(record_id: int, since: dt.datetime | dt.date) -> list[QueryRecipient]:
    """Distinct viewers shown the record's item about its subject since `since`, oldest first.

    The log names the subject and the item codes shown, not record ids, so a look counts when it
    showed the record's item for the record's subject. Read along the (subject, created_at) index;
    the item filter runs here because SQLite has no JSON containment lookup.
    """
    row = Record.objects.filter(pk=record_id).values_list("subject_id", "item_code").first()
    if row is None:
        return []
    subject_id, item_code = row
    start = since if isinstance(since, dt.datetime) else timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    entries = (
        QueryLogEntry.objects.filter(subject_id=subject_id, created_at__gte=start, outcome=QueryOutcome.SHOWN)
        .order_by("created_at", "id")
        .values_list("viewer_kind", "user_id", "organisation_id", "api_client_id", "item_codes")
    )
    found: dict[tuple[str, int | None, int | None, int | None], QueryRecipient] = {}
    for kind, user_id, organisation_id, api_client_id, codes in entries.iterator(chunk_size=2000):
        if item_code not in (codes or ()):
            continue
        key = (kind, user_id, organisation_id, api_client_id)
        if key not in found and (user_id or organisation_id or api_client_id):
            found[key] = QueryRecipient(kind, user_id, organisation_id, api_client_id)
    return list(found.values())
