"""Government sharing (政务共享): agreements and the queries consumers make under them.

A consumer department receives the agreed items for its duties once the agreement is approved
and while it is in force (西安 第十七条、第二十条, 元宝山 第十九条); one subject or a batch of up to
`BATCH_MAX_SUBJECTS` per call. The answer carries only the agreed items, decided record by record
by the same `decide` as every other way out. Every query is written to the query log, one entry
per subject; refusals too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may
from pubcredit.accounts.models import ApiScope, Organisation, OrganisationKind, User
from pubcredit.core.audit import audit_record, audit_text
from pubcredit.core.crypto import blind_index, mask_id_number
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.disclosure import access_rules
from pubcredit.disclosure.access_rules import GrantFacts, Refusal, Use
from pubcredit.disclosure.models.access import SharingAgreement, SharingAgreementState
from pubcredit.disclosure.models.query_log import QueryOutcome
from pubcredit.disclosure.selectors.access import records_disclosed_many
from pubcredit.disclosure.selectors.records import Disclosed
from pubcredit.disclosure.services.access_parties import (
    actor_label,
    asking_party,
    clean_dates,
    clean_item_codes,
    clean_purpose,
    refuse,
    require_operator,
    viewer_for,
)
from pubcredit.disclosure.services.query_log import query_log_write_many
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.subjects.identifiers import normalise_code
from pubcredit.subjects.models import Subject

# Platform limit, not regulation: the size of one call a consumer's system may make (issue 4);
# larger screenings go as several calls.
BATCH_MAX_SUBJECTS = 10_000
_LOOKUP_CHUNK = 2_000


@dataclass(frozen=True)
class SharedSubject:
    subject: Subject
    disclosed: list[Disclosed]


@dataclass(frozen=True)
class SharingAnswer:
    agreement: SharingAgreement
    items: frozenset[str]
    subjects: list[SharedSubject]
    not_found: list[str]  # identifiers given that name no subject (ID numbers masked)


def _audit(actor: Actor, action: str, agreement: SharingAgreement, **data: object) -> None:
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        target=agreement,
        data={
            "consumer_id": agreement.consumer_id,
            "items": list(agreement.item_codes),
            "purpose": audit_text(agreement.purpose),
            "valid_from": agreement.valid_from.isoformat(),
            "valid_until": agreement.valid_until.isoformat(),
            "by": audit_text(actor_label(actor)),
            **data,
        },
    )


def _require_approver(actor: Actor) -> User:
    """Operators of the credit centre or the supervising authority approve and end agreements."""
    if (
        isinstance(actor, User)
        and actor.is_active
        and actor_may(actor, Role.OPERATOR, Role.AUTHORITY)
        and actor.organisation is not None
        and actor.organisation.kind in (OrganisationKind.CREDIT_CENTRE, OrganisationKind.AUTHORITY)
    ):
        return actor
    raise PermissionDenied(f"“{actor_label(actor)}”不是信用中心或主管部门的工作人员，不能批准或终止共享协议")


# --- agreements ---------------------------------------------------------------------------------


@transaction.atomic
def sharing_agreement_create(
    *,
    actor: Actor,
    consumer: Organisation,
    item_codes: Iterable[str],
    purpose: str,
    legal_basis: str,
    valid_from: dt.date,
    valid_until: dt.date,
) -> SharingAgreement:
    """The credit centre records an agreement; it shares nothing until approved."""
    operator = require_operator(actor, doing="登记共享协议")
    today = timezone.localdate()
    if not consumer.active or not consumer.is_consumer:
        raise ValidationFailed(f"单位“{consumer.name}”不是启用的信息使用单位，不能签订共享协议", field="consumer")
    codes = clean_item_codes(item_codes, on=today)
    basis = " ".join((legal_basis or "").split())
    if not basis:
        raise ValidationFailed("请填写共享的法律依据", field="legal_basis")
    clean_dates(valid_from, valid_until, today=today)
    agreement = SharingAgreement.objects.create(
        consumer=consumer,
        item_codes=codes,
        purpose=clean_purpose(purpose),
        legal_basis=basis[:2000],
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=operator,
        created_by_label=actor_label(operator)[:150],
    )
    _audit(operator, "disclosure.sharing.create", agreement, legal_basis=audit_text(agreement.legal_basis))
    return agreement


@transaction.atomic
def sharing_agreement_approve(*, actor: Actor, agreement: SharingAgreement) -> SharingAgreement:
    approver = _require_approver(actor)
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.state != SharingAgreementState.DRAFT:
        raise ValidationFailed(
            f"共享协议 {locked.pk} 当前状态为“{locked.get_state_display()}”，不能批准", field="state"
        )
    locked.state = SharingAgreementState.APPROVED
    locked.approved_by = approver
    locked.approved_by_label = actor_label(approver)[:150]
    locked.approved_at = timezone.now()
    locked.save(update_fields=["state", "approved_by", "approved_by_label", "approved_at"])
    _audit(approver, "disclosure.sharing.approve", locked)
    return locked


@transaction.atomic
def sharing_agreement_end(*, actor: Actor, agreement: SharingAgreement, reason: str) -> SharingAgreement:
    approver = _require_approver(actor)
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise ValidationFailed("终止共享协议须说明原因", field="reason")
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.state == SharingAgreementState.ENDED:
        raise ValidationFailed(f"共享协议 {locked.pk} 已终止", field="state")
    locked.state = SharingAgreementState.ENDED
    locked.ended_at = timezone.now()
    locked.ended_by_label = actor_label(approver)[:150]
    locked.end_reason = cleaned[:2000]
    locked.save(update_fields=["state", "ended_at", "ended_by_label", "end_reason"])
    _audit(approver, "disclosure.sharing.end", locked, reason=audit_text(cleaned))
    return locked


# --- queries ------------------------------------------------------------------------------------


def agreement_facts(agreement: SharingAgreement) -> GrantFacts:
    return GrantFacts(
        id=agreement.pk,
        kind="agreement",
        subject_id=None,
        requester_organisation_id=agreement.consumer_id,
        requester_user_id=None,
        item_codes=frozenset(agreement.item_codes),
        purpose=agreement.purpose,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        state=agreement.state,
    )


def subjects_by_identifiers(
    *, usccs: Sequence[str] = (), id_numbers: Sequence[str] = ()
) -> tuple[list[Subject], list[str]]:
    """Subjects in the order given, and the identifiers that name none (ID numbers masked).

    One query per 2,000 identifiers, by the unique USCC and the keyed ID-number index.
    """
    wanted: list[tuple[str, str]] = [("uscc", normalise_code(code)) for code in usccs]
    wanted += [("id", blind_index(normalise_code(number))) for number in id_numbers]
    found: dict[tuple[str, str], Subject] = {}
    by_kind: dict[str, list[str]] = {"uscc": [], "id": []}
    for kind, key in wanted:
        by_kind[kind].append(key)
    for kind, keys in by_kind.items():
        unique = sorted(set(keys))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            if kind == "uscc":
                for subject in Subject.objects.filter(uscc__in=chunk):
                    found[("uscc", subject.uscc or "")] = subject
            else:
                for subject in Subject.objects.filter(id_number_index__in=chunk):
                    found[("id", subject.id_number_index or "")] = subject
    subjects: list[Subject] = []
    seen: set[int] = set()
    missing: list[str] = []
    for position, (kind, key) in enumerate(wanted):
        hit = found.get((kind, key))
        if hit is None:
            missing.append(usccs[position] if kind == "uscc" else _masked(id_numbers[position - len(usccs)]))
        elif hit.pk not in seen:
            seen.add(hit.pk)
            subjects.append(hit)
    return subjects, missing


def _masked(id_number: str) -> str:
    text = normalise_code(id_number)
    return mask_id_number(text) if len(text) == 18 else "*" * len(text)


def _log_many(viewer: Viewer, subjects: Sequence[Subject], *, outcome: str, reason: str = "") -> None:
    query_log_write_many(
        viewer=viewer, subjects=subjects, item_codes=viewer.items or (), outcome=outcome, reason=reason
    )


def sharing_query(
    *,
    actor: Actor,
    agreement_id: object,
    usccs: Sequence[str] = (),
    id_numbers: Sequence[str] = (),
    purpose: str = "",
    provide_to: str = "",
    on: dt.date | None = None,
) -> SharingAnswer:
    """The agreed items of one or more subjects (at most `BATCH_MAX_SUBJECTS`) for a consumer.

    Not one transaction: refusals are written to the query log and must stay there.
    """
    party = asking_party(actor, scope=ApiScope.SHARE, doing="政务共享查询")
    total = len(usccs) + len(id_numbers)
    if total == 0:
        raise ValidationFailed("请至少提供一个信息主体的统一社会信用代码或身份证号码", field="subjects")
    if total > BATCH_MAX_SUBJECTS:
        raise ValidationFailed(
            f"一次共享查询最多 {BATCH_MAX_SUBJECTS} 个信息主体，本次 {total} 个，请拆分后分批查询", field="subjects"
        )
    day = on or timezone.localdate()
    text = str(agreement_id).strip()
    agreement = SharingAgreement.objects.filter(pk=int(text)).first() if text.isdigit() and len(text) < 18 else None
    subjects, missing = subjects_by_identifiers(usccs=usccs, id_numbers=id_numbers)
    items = frozenset(agreement.item_codes) if agreement is not None else frozenset()
    viewer = viewer_for(
        kind=ViewerKind.SHARING,
        actor=actor,
        party=party,
        items=items,
        purpose=" ".join((purpose or "").split())[:200] or (agreement.purpose if agreement else ""),
        basis=f"agreement:{text[:20]}",
    )
    if agreement is None:
        refusal: Refusal | None = Refusal(
            access_rules.FORGED, f"共享协议编号“{text[:20]}”不存在", access_rules.ART_SHARING
        )
    else:
        use = Use(
            subject_id=0,
            organisation_id=party[0],
            user_id=party[1],
            purpose=purpose,
            provide_to=provide_to,
        )
        refusal = access_rules.check_agreement(agreement_facts(agreement), use, day)
    if refusal is not None:
        if len(subjects) == 1:
            raise refuse(viewer, subjects[0], refusal, sorted(items))
        _log_many(viewer, subjects, outcome=QueryOutcome.REFUSED, reason=f"{refusal.code}：{refusal.text}")
        raise PermissionDenied(refusal.text, code=refusal.code)
    assert agreement is not None
    disclosed = records_disclosed_many(viewer=viewer, subjects=subjects, on=day)
    _log_many(viewer, subjects, outcome=QueryOutcome.SHOWN)
    shared = [SharedSubject(subject, disclosed.get(subject.pk, [])) for subject in subjects]
    return SharingAnswer(agreement, items, shared, missing)
