"""Reads of list entries: published lists for everyone, the issuing department's own entries,
the subject's own, and all of them for the credit centre and oversight roles."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import actor_may, is_superuser, subject_account_id
from pubcredit.accounts.models import ApiClient, User
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.lists.models import EntryState, ListEntry, ListKind, ListType
from pubcredit.lists.rules import published_kinds
from pubcredit.policy import get_policy

_OVERSIGHT = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)


def user_oversees_lists(user: Any) -> bool:
    return is_superuser(user) or (isinstance(user, User) and user.is_active and actor_may(user, *_OVERSIGHT))


def user_lists_for(actor: Any) -> int | None:
    """The department a provider's clerk (or its system, scope `collect`) enters subjects for."""
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None or (isinstance(actor, User) and not actor.is_active):
        return None
    if isinstance(actor, User | ApiClient) and actor_may(actor, Role.PROVIDER, scope="collect"):
        return int(organisation_id)
    return None


def _in_force(on: dt.date) -> Q:
    return Q(state=EntryState.IN_FORCE, starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def _published(on: dt.date) -> Q:
    kinds = published_kinds(get_policy(on=on))
    return _in_force(on) & Q(kind__in=sorted(kinds))


def list_entries_visible_to(user: Any, *, on: dt.date | None = None) -> QuerySet[ListEntry]:
    """Entries a user may see. Everyone sees published entries in force; nothing else leaks."""
    day = on or timezone.localdate()
    entries = ListEntry.objects.select_related("list_type", "subject", "department")
    if user_oversees_lists(user):
        return entries.all()
    visible = _published(day)
    department_id = user_lists_for(user)
    if department_id is not None:
        visible |= Q(department_id=department_id)
    subject_id = subject_account_id(user)
    if subject_id is not None:
        visible |= Q(subject_id=subject_id)
    return entries.filter(visible)


def list_entry_get(user: Any, pk: int) -> ListEntry:
    try:
        return list_entries_visible_to(user).get(pk=pk)
    except ListEntry.DoesNotExist:
        raise NotFound(f"名单条目 {pk} 不存在或无权查看") from None


def published_entries(kind: str, *, on: dt.date | None = None, limit: int = 200) -> list[ListEntry]:
    """The portal's list of one kind: entries in force, newest first (only kinds the pack publishes)."""
    day = on or timezone.localdate()
    if kind not in published_kinds(get_policy(on=day)):
        return []
    return list(
        ListEntry.objects.filter(_in_force(day), kind=kind)
        .select_related("list_type", "subject", "department")
        .order_by("-starts_on", "-id")[:limit]
    )


def published_entries_of(subject_id: int, *, on: dt.date | None = None) -> list[ListEntry]:
    """A subject's entries in force on the lists the pack publishes: its page on the portal."""
    day = on or timezone.localdate()
    return list(
        ListEntry.objects.filter(_published(day), subject_id=subject_id)
        .select_related("list_type", "department")
        .order_by("kind", "-starts_on")
    )


def entries_in_force(subject_ids: Iterable[int], *, on: dt.date) -> dict[int, list[ListEntry]]:
    """Every entry in force on `on` for each of the subjects (one query), in list-kind order."""
    found: dict[int, list[ListEntry]] = defaultdict(list)
    ids = sorted(set(subject_ids))
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        for entry in (
            ListEntry.objects.filter(_in_force(on), subject_id__in=chunk)
            .select_related("list_type", "department")
            .order_by("kind", "-starts_on")
        ):
            found[entry.subject_id].append(entry)
    return dict(found)


def subject_on_list(subject_id: int, kind: ListKind | str, *, on: dt.date) -> bool:
    return ListEntry.objects.filter(_in_force(on), subject_id=subject_id, kind=kind).exists()


def list_types_for(actor: Any) -> QuerySet[ListType]:
    """The active list types a department may enter subjects on (its own, or open to any)."""
    department_id = user_lists_for(actor)
    types = ListType.objects.filter(active=True)
    if is_superuser(actor):
        return types
    if department_id is None:
        return types.none()
    return types.filter(Q(issuing_department__isnull=True) | Q(issuing_department_id=department_id))


def entries_with_basis_record(record_ids: Sequence[int]) -> QuerySet[ListEntry]:
    """Entries in force resting on any of the records (a subquery, so the rows can be locked)."""
    through = ListEntry.basis_records.through
    resting = through.objects.filter(record_id__in=list(record_ids)).values("listentry_id")
    return ListEntry.objects.filter(state=EntryState.IN_FORCE, pk__in=resting)
