"""Reads of credit records. Disclosure (who sees what until when) is decided elsewhere; these
return rows, and `records_visible_to` only limits staff to their own department's records."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from pubcredit.accounts.actors import Actor, actor_may, is_superuser
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.records.models import Annotation, Record, RecordStatus, RecordVersion
from pubcredit.subjects.models import Subject

_OVERSIGHT = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)


def records_for_subject(subject: Subject, *, statuses: Iterable[str] = (RecordStatus.ACTIVE,)) -> QuerySet[Record]:
    return (
        Record.objects.filter(subject=subject, status__in=list(statuses))
        .select_related("item", "provider")
        .order_by("-decided_on", "-id")
    )


def record_get(record_id: int) -> Record:
    record = Record.objects.select_related("item", "provider", "subject").filter(pk=record_id).first()
    if record is None:
        raise NotFound(f"信用记录 {record_id} 不存在", field="record_id")
    return record


def record_versions(record: Record) -> QuerySet[RecordVersion]:
    return RecordVersion.objects.filter(record=record).order_by("version")


def record_annotations(record: Record, *, active_only: bool = True) -> QuerySet[Annotation]:
    annotations = Annotation.objects.filter(record=record)
    return annotations.filter(active=True) if active_only else annotations


def records_visible_to(actor: Actor) -> QuerySet[Record]:
    """Staff rows: oversight roles see all, provider staff their department's, others none."""
    if is_superuser(actor) or actor_may(actor, *_OVERSIGHT):
        return Record.objects.all()
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is not None and actor_may(actor, Role.PROVIDER, scope="collect"):
        return Record.objects.filter(provider_id=organisation_id)
    return Record.objects.none()
