"""Reads of authorisations and sharing agreements, and the batch read for sharing.

`records_disclosed_many` is the batch form of `records.records_disclosed` for one viewer and many
subjects: the same SQL prefilter (only conditions `decide` also applies), the same facts builder
and the same `decide` on every remaining record, in a few queries per 1,000 subjects instead of a
few per subject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import actor_may
from pubcredit.accounts.models import Organisation, OrganisationKind, User
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.disclosure import rules
from pubcredit.disclosure.models.access import Authorisation, AuthorisationMethod, AuthorisationState, SharingAgreement
from pubcredit.disclosure.rules import decide
from pubcredit.disclosure.selectors.facts import facts_for
from pubcredit.disclosure.selectors.records import Disclosed
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import get_policy
from pubcredit.records.models import Record, RecordStatus
from pubcredit.subjects.models import Subject

_KEPT = (RecordStatus.ACTIVE, RecordStatus.ARCHIVED)
_ITEM_DEFERRED = ("item__fields", "item__description", "item__legal_basis", "item__period_rule")
_SUBJECT_CHUNK = 1_000

UserLike = User | AnonymousUser | None


def records_disclosed_many(
    *, viewer: Viewer, subjects: Sequence[Subject], on: dt.date | None = None
) -> dict[int, list[Disclosed]]:
    """For an authorised or sharing viewer: each subject's records it may see, by subject id."""
    if viewer.kind not in (ViewerKind.AUTHORISED, ViewerKind.SHARING):
        raise ValueError(f"records_disclosed_many serves granted viewers only, not {viewer.kind}")
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    hiding_allowed = rules.hiding_applies(policy)
    items = sorted(viewer.items or ())
    result: dict[int, list[Disclosed]] = {subject.pk: [] for subject in subjects}
    if not items or not subjects:
        return result
    ids = sorted(result)
    for start in range(0, len(ids), _SUBJECT_CHUNK):
        records = Record.objects.filter(
            Q(disclosure_ends_on__isnull=True)
            | Q(disclosure_ends_on__gte=day)
            | Q(retention_ends_on__isnull=False, retention_ends_on__gte=day),
            subject_id__in=ids[start : start + _SUBJECT_CHUNK],
            status__in=_KEPT,
            item_code__in=items,
        )
        if viewer.kind is ViewerKind.AUTHORISED:
            records = records.exclude(item__openness=rules.OPEN_SHARING_ONLY)
        rows = list(
            records.select_related("item")
            .defer(*_ITEM_DEFERRED)
            .order_by("subject_id", "kind", "info_class", "-decided_on", "-id")
        )
        for record, facts in zip(rows, facts_for(rows, hiding_allowed=hiding_allowed), strict=True):
            decision = decide(facts, viewer, day, policy)
            if decision.shown:
                result[record.subject_id].append(Disclosed(record, decision))
    return result


# --- who sees which authorisations and agreements ----------------------------------------------


def _is_centre_operator(user: UserLike) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and actor_may(user, Role.OPERATOR)
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.CREDIT_CENTRE
    )


def user_checks_authorisations(user: UserLike) -> bool:
    return _is_centre_operator(user)


def user_manages_agreements(user: UserLike) -> bool:
    return _is_centre_operator(user) or (
        isinstance(user, User)
        and user.is_active
        and actor_may(user, Role.AUTHORITY)
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.AUTHORITY
    )


def user_grants_for(user: UserLike) -> int | None:
    """The subject a signed-in subject account grants authorisations for, else None."""
    if isinstance(user, User) and user.is_active and user.subject_id is not None and user.has_role(Role.SUBJECT):
        return user.subject_id
    return None


def user_may_upload(user: UserLike) -> bool:
    """Any signed-in user may register a written authorisation it received, for itself or its unit."""
    return isinstance(user, User) and user.is_active and user.is_authenticated


def authorisations_visible_to(user: UserLike) -> QuerySet[Authorisation]:
    """Operators see every authorisation; a subject its own; a requester those given to it or its unit."""
    rows = Authorisation.objects.select_related("requester_organisation", "subject")
    if _is_centre_operator(user):
        return rows
    if not isinstance(user, User) or not user.is_active:
        return rows.none()
    condition = Q(requester_user=user) | Q(created_by=user)
    if user.organisation_id is not None:
        condition |= Q(requester_organisation_id=user.organisation_id)
    subject_id = user_grants_for(user)
    if subject_id is not None:
        condition |= Q(subject_id=subject_id)
    return rows.filter(condition)


def authorisations_granted_by(user: UserLike) -> QuerySet[Authorisation]:
    subject_id = user_grants_for(user)
    if subject_id is None:
        return Authorisation.objects.none()
    return Authorisation.objects.select_related("requester_organisation").filter(subject_id=subject_id)


def authorisations_received_by(user: UserLike) -> QuerySet[Authorisation]:
    """What a requester holds: authorisations given to it or its unit, and those it uploaded."""
    if not isinstance(user, User) or not user.is_active:
        return Authorisation.objects.none()
    condition = Q(requester_user=user) | Q(created_by=user, method=AuthorisationMethod.WRITTEN)
    if user.organisation_id is not None:
        condition |= Q(requester_organisation_id=user.organisation_id)
    return Authorisation.objects.select_related("subject").filter(condition)


def authorisations_pending_check(user: UserLike) -> QuerySet[Authorisation]:
    if not _is_centre_operator(user):
        return Authorisation.objects.none()
    return (
        Authorisation.objects.select_related("subject", "requester_organisation")
        .filter(method=AuthorisationMethod.WRITTEN, state=AuthorisationState.PENDING)
        .order_by("created_at", "id")
    )


def authorisation_get_visible(user: UserLike, pk: int) -> Authorisation:
    found = authorisations_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"授权 {pk} 不存在")
    return found


def sharing_agreements_visible_to(user: UserLike) -> QuerySet[SharingAgreement]:
    rows = SharingAgreement.objects.select_related("consumer")
    if user_manages_agreements(user):
        return rows
    if isinstance(user, User) and user.is_active and user.organisation_id is not None:
        return rows.filter(consumer_id=user.organisation_id)
    return rows.none()


def sharing_agreement_get_visible(user: UserLike, pk: int) -> SharingAgreement:
    found = sharing_agreements_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"共享协议 {pk} 不存在")
    return found


def requester_organisations() -> QuerySet[Organisation]:
    """Organisations a subject may authorise: every active unit on the platform."""
    return Organisation.objects.filter(active=True).order_by("name")


def consumer_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(active=True, is_consumer=True).order_by("name")
