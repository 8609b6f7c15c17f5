"""Reads of the objection procedure: who sees which application, and each party's queue by due date."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from pubcredit.accounts.actors import Actor, actor_may, is_superuser, subject_account_id
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.objections.models import (
    OPEN_STATES,
    ItemState,
    Objection,
    ObjectionEvidence,
    ObjectionItem,
    ObjectionState,
)
from pubcredit.records.models import Record, RecordStatus

Viewer = Actor


def sees_all(user: Viewer) -> bool:
    return is_superuser(user) or actor_may(user, Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)


def provider_organisation(user: Viewer) -> int | None:
    """The department whose records' objections the user (or its system, with `collect`) answers."""
    if actor_may(user, Role.PROVIDER, scope="collect"):
        return getattr(user, "organisation_id", None)
    return None


#: The subject whose objections a signed-in subject account files and follows, if any.
subject_of = subject_account_id


def objections_visible_to(user: Viewer) -> QuerySet[Objection]:
    """The credit centre, the authority and auditors: all; a provider: those naming its records;
    a subject's account: its own subject's."""
    objections = Objection.objects.select_related("subject")
    if sees_all(user):
        return objections
    condition = Q(pk__in=[])
    organisation_id = provider_organisation(user)
    if organisation_id is not None:
        condition |= Q(pk__in=ObjectionItem.objects.filter(provider_id=organisation_id).values("objection_id"))
    subject_id = subject_of(user)
    if subject_id is not None:
        condition |= Q(subject_id=subject_id)
    return objections.filter(condition)


def objection_get(user: Viewer, pk: int) -> Objection:
    found = objections_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"未找到异议申请 {pk}")
    return found


def objection_items(objection: Objection) -> list[ObjectionItem]:
    return list(objection.items.select_related("record__item", "provider").order_by("id"))


def objection_evidence(objection: Objection) -> list[ObjectionEvidence]:
    return list(objection.evidence.order_by("id"))


def evidence_get(user: Viewer, pk: int) -> ObjectionEvidence:
    found = ObjectionEvidence.objects.filter(pk=pk, objection__in=objections_visible_to(user)).first()
    if found is None:
        raise NotFound(f"未找到证明材料 {pk}")
    return found


def objections_of_subject(user: Viewer) -> QuerySet[Objection]:
    subject_id = subject_of(user)
    if subject_id is None:
        return Objection.objects.none()
    return Objection.objects.filter(subject_id=subject_id).order_by("-received_on", "-id")


def objectable_records(subject_id: int) -> QuerySet[Record]:
    """The subject's records it may object to: the active ones."""
    return (
        Record.objects.filter(subject_id=subject_id, status=RecordStatus.ACTIVE)
        .select_related("item", "provider")
        .order_by("-decided_on", "-id")
    )


@dataclass(frozen=True)
class Desk:
    to_check: list[Objection]
    verifying: list[Objection]
    to_notify: list[Objection]
    review: list[Objection]
    overdue: list[Objection]


def operator_desk(*, limit: int = 200) -> Desk:
    """The credit centre's desk, each list by due date; overdue and escalated cases on their own list."""
    running = Objection.objects.select_related("subject").order_by(F("due_on").asc(nulls_last=True), "id")
    return Desk(
        to_check=list(running.filter(state=ObjectionState.CHECKING)[:limit]),
        verifying=list(running.filter(state=ObjectionState.VERIFYING)[:limit]),
        to_notify=list(running.filter(state=ObjectionState.ANSWERED)[:limit]),
        review=list(running.filter(state=ObjectionState.REVIEW)[:limit]),
        overdue=list(running.filter(Q(overdue=True) | Q(escalated=True), state__in=list(OPEN_STATES))[:limit]),
    )


def provider_queue(organisation_id: int, *, limit: int = 200) -> list[ObjectionItem]:
    """Items waiting for this provider's answer, the earliest due first."""
    return list(
        ObjectionItem.objects.filter(provider_id=organisation_id, state=ItemState.VERIFYING)
        .select_related("objection", "record__item")
        .order_by(F("provider_due_on").asc(nulls_last=True), "id")[:limit]
    )


def review_queue(*, limit: int = 200) -> list[Objection]:
    return list(
        Objection.objects.filter(state=ObjectionState.REVIEW)
        .select_related("subject")
        .order_by(F("due_on").asc(nulls_last=True), "id")[:limit]
    )


def records_sanctions_suspended(record_ids: list[int]) -> set[int]:
    """Records whose joint sanctions wait while an objection verifies them (元宝山方案 五（八）).

    For the measures workflow: the flag is fixed on the application from the pack in force on the
    day it was received; an item counts until its outcome is known.
    """
    return set(
        ObjectionItem.objects.filter(
            record_id__in=record_ids,
            state__in=[ItemState.PENDING, ItemState.VERIFYING],
            objection__sanctions_suspended=True,
            objection__state__in=list(OPEN_STATES),
        ).values_list("record_id", flat=True)
    )


def records_sanctions_suspended_of_subjects(subject_ids: list[int]) -> set[int]:
    """The records of these subjects whose joint sanctions wait (as `records_sanctions_suspended`),
    asked by subject so that a batch of subjects needs no list of record ids."""
    return set(
        ObjectionItem.objects.filter(
            record__subject_id__in=subject_ids,
            state__in=[ItemState.PENDING, ItemState.VERIFYING],
            objection__sanctions_suspended=True,
            objection__state__in=list(OPEN_STATES),
        ).values_list("record_id", flat=True)
    )
