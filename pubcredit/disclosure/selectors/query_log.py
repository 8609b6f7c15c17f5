"""Reads of the query log: the subject's "who looked at my record and why", and auditors' view."""

from __future__ import annotations

from django.db.models import QuerySet

from pubcredit.accounts.actors import Actor, actor_may, is_superuser
from pubcredit.core.roles import Role
from pubcredit.disclosure.models.query_log import QueryLogEntry
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
