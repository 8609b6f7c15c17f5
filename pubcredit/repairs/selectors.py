"""Reads of repair applications: the subject sees its own, the provider the ones routed to it,
the credit centre and the oversight roles all; nobody else any.

Applications carry proof documents and the subject's statements, so they are never public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import actor_may, is_superuser, subject_account_id
from pubcredit.accounts.models import ApiClient, User
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.lists.models import ListKind
from pubcredit.lists.selectors import subject_on_list
from pubcredit.policy import get_policy
from pubcredit.records.models import AnnotationKind, Record, RecordStatus
from pubcredit.records.selectors import record_annotations, record_get, records_for_subject
from pubcredit.repairs.models import RepairApplication, RepairProof, RepairState
from pubcredit.repairs.rules import Eligibility, RepairFacts, repair_eligibility

_OVERSIGHT = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)


#: The subject a signed-in subject account may apply for, if any.
user_applies_for = subject_account_id


def user_decides_for(actor: Any) -> int | None:
    """The department whose repair applications this clerk (or its system) decides, if any."""
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return None
    if isinstance(actor, User) and not actor.is_active:
        return None
    if isinstance(actor, User | ApiClient) and actor_may(actor, Role.PROVIDER, scope="collect"):
        return int(organisation_id)
    return None


def user_oversees_repairs(user: Any) -> bool:
    return is_superuser(user) or (isinstance(user, User) and user.is_active and actor_may(user, *_OVERSIGHT))


def repairs_visible_to(user: Any) -> QuerySet[RepairApplication]:
    applications = RepairApplication.objects.select_related("record", "subject", "provider", "record__item")
    if user_oversees_repairs(user):
        return applications.all()
    subject_id = user_applies_for(user)
    organisation_id = user_decides_for(user)
    if subject_id is not None:
        return applications.filter(subject_id=subject_id)
    if organisation_id is not None:
        return applications.filter(provider_id=organisation_id)
    return applications.none()


def repair_get(user: Any, pk: int) -> RepairApplication:
    """One application the user may see; NotFound otherwise, so that others' ids reveal nothing."""
    found = repairs_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"信用修复申请 {pk} 不存在或您无权查看", field="application")
    return found


def repairs_of_subject(user: Any) -> QuerySet[RepairApplication]:
    subject_id = user_applies_for(user)
    if subject_id is None:
        return RepairApplication.objects.none()
    return repairs_visible_to(user).filter(subject_id=subject_id).order_by("-created_at", "-id")


def repairs_queue(user: Any) -> QuerySet[RepairApplication]:
    """The provider's undecided applications, the nearest due date first (no limit last)."""
    organisation_id = user_decides_for(user)
    if organisation_id is None:
        return RepairApplication.objects.none()
    return (
        RepairApplication.objects.select_related("record", "subject", "record__item")
        .filter(provider_id=organisation_id, state=RepairState.SUBMITTED)
        .order_by("decision_due_on", "created_at", "id")
    )


def repairs_decided_by_provider(user: Any, *, limit: int = 50) -> list[RepairApplication]:
    organisation_id = user_decides_for(user)
    if organisation_id is None:
        return []
    decided = RepairApplication.objects.filter(provider_id=organisation_id).exclude(state=RepairState.SUBMITTED)
    return list(decided.select_related("record", "subject").order_by("-decided_at", "-id")[:limit])


def repairs_overview(user: Any, *, overdue_only: bool = False) -> QuerySet[RepairApplication]:
    """Every application for the credit centre, or only the overdue ones."""
    if not user_oversees_repairs(user):
        return RepairApplication.objects.none()
    applications = repairs_visible_to(user).order_by("-created_at", "-id")
    if overdue_only:
        applications = applications.filter(state=RepairState.SUBMITTED, overdue=True).order_by("decision_due_on")
    return applications


def repair_counts(user: Any) -> dict[str, int]:
    applications = repairs_overview(user)
    return {
        "all": applications.count(),
        "open": applications.filter(state=RepairState.SUBMITTED).count(),
        "overdue": applications.filter(state=RepairState.SUBMITTED, overdue=True).count(),
    }


def repair_proofs(application: RepairApplication) -> QuerySet[RepairProof]:
    return application.proofs.order_by("id")


def repair_proof_get(user: Any, pk: int) -> RepairProof:
    visible = repairs_visible_to(user).values("pk")
    found = RepairProof.objects.filter(pk=pk, application__in=visible).first()
    if found is None:
        raise NotFound(f"证明材料 {pk} 不存在或您无权查看", field="proof")
    return found


# --- eligibility ------------------------------------------------------------------------------


def subject_on_severe_list(subject_id: int, on: dt.date) -> bool:
    """Whether the subject is on the severe dishonesty list (严重失信主体名单) on `on`: the one
    place the repair eligibility asks (元宝山 第二十九条)."""
    return subject_on_list(subject_id, ListKind.BLACK, on=on)


def open_application_number(record: Record) -> str | None:
    found = RepairApplication.objects.filter(record=record, state=RepairState.SUBMITTED).values_list("number", "pk")
    row = found.first()
    return (row[0] or str(row[1])) if row else None


def record_repaired(record: Record) -> bool:
    return record_annotations(record).filter(kind=AnnotationKind.REPAIR).exists()


def repair_facts(
    record: Record,
    on: dt.date,
    *,
    intentional: bool | None = None,
    proof_count: int | None = None,
    commitment_signed: bool | None = None,
) -> RepairFacts:
    return RepairFacts(
        record_id=record.pk,
        item_code=record.item_code,
        kind=record.kind,
        status=record.status,
        tier=record.tier,
        decided_on=record.decided_on,
        end_date=record.end_date,
        already_repaired=record_repaired(record),
        open_application=open_application_number(record),
        on_severe_list=subject_on_severe_list(record.subject_id, on),
        intentional=intentional,
        proof_count=proof_count,
        commitment_signed=commitment_signed,
    )


def repair_preview(record: Record, *, on: dt.date | None = None) -> Eligibility:
    """The record's side of the eligibility on `on` (today): what the apply page shows first."""
    day = on or timezone.localdate()
    return repair_eligibility(repair_facts(record, day), day, get_policy(on=day))


@dataclass(frozen=True)
class Repairable:
    record: Record
    eligibility: Eligibility


def repairable_records(user: Any, *, on: dt.date | None = None) -> list[Repairable]:
    """The subject's active bad records, each with its preview, for the applicant's page."""
    subject_id = user_applies_for(user)
    if subject_id is None:
        return []
    day = on or timezone.localdate()
    records = records_for_subject(user.subject, statuses=(RecordStatus.ACTIVE,)).filter(kind="bad")
    return [Repairable(record, repair_preview(record, on=day)) for record in records[:200]]


def own_record_get(user: Any, record_id: int) -> Record:
    """A record of the user's own subject; NotFound for any other, so ids reveal nothing."""
    subject_id = user_applies_for(user)
    try:
        record = record_get(record_id) if subject_id is not None else None
    except NotFound:
        record = None
    if record is None or record.subject_id != subject_id:
        raise NotFound(f"信用记录 {record_id} 不存在或不是本主体的记录", field="record")
    return record
