"""Writes of the repair workflow: apply, decide, and the overdue sweep.

A subject applies through the platform (single window); the application goes to the department
that made the finding (谁认定、谁修复), which decides within `repair.decision_wd` working days.
An accepted repair takes effect as a REPAIR annotation on the record (`record_hold_place`): the
disclosure decision then withholds, annotates or notes the record per `repair.after_repair`.
The annotation belongs to the record, not to a version of it, so a later re-send of the same
source record by the provider (a new version through `record_correct`, or no change at all)
leaves the repair in place.

Every write is atomic, permission-checked, allowed only by `repairs.workflow` and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_label, actor_user_and_label, audit_identity
from pubcredit.accounts.models import User
from pubcredit.core.audit import audit_digest, audit_record
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.proof_files import (
    UploadedProof,
    proof_file_store,
    proof_files_orphans_delete,
    proof_files_read,
)
from pubcredit.core.roles import Role
from pubcredit.core.text_input import clean_text
from pubcredit.core.workdays import database_calendar, deadline_after
from pubcredit.lists.models import ExitReason
from pubcredit.lists.services import entries_exit_for_records
from pubcredit.notices.services import notices_send, organisation_staff, role_holders
from pubcredit.policy import get_policy
from pubcredit.records.models import AnnotationKind, Record
from pubcredit.records.services import record_hold_place
from pubcredit.repairs.models import RepairApplication, RepairProof, RepairState
from pubcredit.repairs.rules import (
    AFTER_REPAIR_TEXT,
    COMMITMENT_TEXT,
    DECIDED_BY_KEY,
    Eligibility,
    after_repair,
    decision_days,
    repair_eligibility,
)
from pubcredit.repairs.selectors import repair_facts, repairs_visible_to, user_applies_for, user_decides_for
from pubcredit.repairs.workflow import require_repair_transition

# Platform limits, not regulation: a payment receipt or a rectification report is a few pages.
MAX_PROOFS = 5
MAX_PROOF_BYTES = 10 * 1024 * 1024
STORAGE_DIR = "repairs"
TOPIC = "repair"


class RepairIneligible(ValidationFailed):
    """The application refused on the merits: `eligibility` carries every reason and the date."""

    def __init__(self, eligibility: Eligibility) -> None:
        text = "；".join(eligibility.reasons)
        when = eligibility.eligible_from
        if when is not None and f"{when.isoformat()} 起" not in text:
            text += f"。补齐上述材料后，{when.isoformat()} 起可申请"
        super().__init__(f"不符合信用修复条件：{text}", field="record")
        self.eligibility = eligibility


_label = actor_label


def _audit(actor: Actor, action: str, application: RepairApplication, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(
        actor=user,
        action=action,
        target=application,
        data={"number": application.number, "record": application.record_id, **data, **extra},
    )


def _link(application: RepairApplication) -> str:
    return reverse("repairs:detail", args=[application.pk])


# --- apply ------------------------------------------------------------------------------------


def _require_applicant(actor: Actor, record: Record) -> User:
    subject_id = user_applies_for(actor)
    if subject_id is None or not isinstance(actor, User):
        raise PermissionDenied(f"“{_label(actor)}”不是信用主体的账号，不能申请信用修复")
    if record.subject_id != subject_id:
        raise PermissionDenied(f"记录 {record.pk} 不是本主体的信用记录，只有信息主体本人可以申请修复", field="record")
    return actor


@transaction.atomic
def repair_apply(
    *,
    actor: Actor,
    record: Record,
    ground: str,
    commitment_signed: bool,
    proofs: Sequence[UploadedProof],
    intentional: bool | None = None,
) -> RepairApplication:
    """A subject's account applies to repair one of its subject's bad records."""
    user = _require_applicant(actor, record)
    record = Record.objects.select_for_update(of=("self",)).select_related("item").get(pk=record.pk)
    cleaned_ground = clean_text(ground, field="ground", label="申请理由（履行义务、纠正失信行为的情况）", required=True)
    if intentional is not None and not isinstance(intentional, bool):
        raise ValidationFailed(f"主观故意声明“{intentional}”无效，须为是或否", field="intentional")
    today = timezone.localdate()
    policy = get_policy(on=today)
    facts = repair_facts(
        record, today, intentional=intentional, proof_count=len(proofs), commitment_signed=commitment_signed is True
    )
    eligibility = repair_eligibility(facts, today, policy)
    if not eligibility.eligible:
        raise RepairIneligible(eligibility)
    read = proof_files_read(proofs, field="proofs", max_files=MAX_PROOFS, max_bytes=MAX_PROOF_BYTES)
    days, basis = decision_days(policy)
    due = deadline_after(today, days, source=database_calendar()) if days is not None else None
    application = RepairApplication(
        subject_id=record.subject_id,
        applicant=user,
        record=record,
        provider_id=record.provider_id,  # 谁认定、谁修复
        ground=cleaned_ground,
        intentional=intentional,
        commitment_text=COMMITMENT_TEXT,
        commitment_signed_at=timezone.now(),
        received_on=today,
        pack=policy.code,
        decision_due_on=due.date if due else None,
        decision_due_provisional=bool(due and due.provisional),
        decision_due_basis=basis[:200],
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationFailed(f"记录 {record.pk} 已有待决定的信用修复申请，请等待决定", field="record") from None
    application.number = f"XF{today:%Y}{application.pk:06d}"
    application.save(update_fields=["number"])
    for proof in read:
        RepairProof.objects.create(
            application=application,
            file_name=proof.file_name,
            content_type=proof.file_type.content_type,
            size=len(proof.content),
            sm3=proof.sm3,
            path=proof_file_store(proof, STORAGE_DIR),
        )
    _audit(
        user,
        "repairs.application.apply",
        application,
        {
            "provider": application.provider_id,
            "pack": policy.code,
            "due": due.date.isoformat() if due else None,
            "proofs": [audit_digest(p.sm3) for p in read],
        },
    )
    when = f"请在 {due.date.isoformat()} 前作出决定（{basis}）" if due else f"请及时作出决定（{basis}）"
    notices_send(
        recipients=organisation_staff(application.provider_id, role=Role.PROVIDER),
        topic=TOPIC,
        title=f"新的信用修复申请 {application.number}",
        body=f"信用记录 {record.pk}（目录项 {record.item_code}）的信息主体申请信用修复。{when}。",
        link=_link(application),
    )
    return application


# --- decide -----------------------------------------------------------------------------------


def _require_decider(actor: Actor, application: RepairApplication, article: str) -> None:
    if user_decides_for(actor) != application.provider_id:
        raise PermissionDenied(
            f"“{_label(actor)}”不是作出该失信认定的信息提供单位的工作人员，不能决定信用修复申请 {application.number}"
            f"（谁认定、谁修复，{article}）"
        )


@transaction.atomic
def repair_decide(*, actor: Actor, application: RepairApplication, accept: bool, reason: str = "") -> RepairApplication:
    """The provider that made the finding accepts (the record is marked repaired) or rejects."""
    application = (
        RepairApplication.objects.select_for_update(of=("self",)).select_related("record").get(pk=application.pk)
    )
    today = timezone.localdate()
    policy = get_policy(on=today)
    _require_decider(actor, application, policy.param(DECIDED_BY_KEY).article)
    target = RepairState.ACCEPTED if accept else RepairState.REJECTED
    number = application.number or str(application.pk)
    require_repair_transition(number=number, current=application.state, target=target)
    label_text = "决定说明" if accept else "不予修复的理由"
    cleaned = clean_text(reason, field="reason", label=label_text, required=not accept)
    user, label = actor_user_and_label(actor)
    record = application.record
    data: dict[str, Any] = {"reason_length": len(cleaned)}
    if accept:
        # The conditions are judged again on the decision day: the record may have been withdrawn
        # or the subject listed as severely dishonest (元宝山 第二十九条) since the application.
        facts = replace(
            repair_facts(
                record,
                today,
                intentional=application.intentional,
                proof_count=application.proofs.count(),
                commitment_signed=True,
            ),
            open_application=None,
        )
        recheck = repair_eligibility(facts, today, policy)
        if not recheck.eligible:
            raise ValidationFailed(
                f"信用修复申请 {number} 在今天已不符合修复条件，不能同意修复，请作不予修复处理并说明："
                + "；".join(recheck.reasons),
                field="record",
            )
        effect, article = after_repair(policy)
        application.hold_annotation = record_hold_place(
            actor=actor,
            record=record,
            kind=AnnotationKind.REPAIR,
            text=f"已信用修复（修复申请 {application.number}）：{AFTER_REPAIR_TEXT.get(effect, effect)}",
            article=article,
            workflow=f"repairs.application:{application.number}",
        )
        data |= {"annotation": application.hold_annotation.pk, "after_repair": effect, "article": article}
        # A list entry resting only on repaired records ends (元宝山方案 五（七）; from 2026-04-01 国办发〔2025〕22号:
        # 相关失信惩戒措施同时解除).
        data["list_entries_ended"] = entries_exit_for_records(
            actor=actor, records=[record], reason=ExitReason.REPAIR, reference=application.number or ""
        )
    application.state = target
    application.decided_at = timezone.now()
    application.decided_by = user
    application.decided_by_label = label
    application.reason = cleaned
    application.save(
        update_fields=["state", "decided_at", "decided_by", "decided_by_label", "reason", "hold_annotation"]
    )
    _audit(actor, f"repairs.application.{'accept' if accept else 'reject'}", application, data)
    outcome = "已同意信用修复" if accept else "不予信用修复"
    notices_send(
        recipients=[application.applicant],
        topic=TOPIC,
        title=f"信用修复申请 {application.number}：{outcome}",
        body=f"您就信用记录 {record.pk}（目录项 {record.item_code}）提出的信用修复申请，信息提供单位{outcome}。"
        "决定理由请登录平台查看。",
        link=_link(application),
    )
    return application


# --- sweep ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    on: dt.date
    flagged: int


def repairs_sweep(*, on: dt.date | None = None) -> SweepResult:
    """Flag applications still undecided after their due date and remind the provider.

    Walks the partial index of open, unflagged applications by due date; each row is claimed by
    a compare-and-swap update, so a second run on the same day (or two at once) flags nothing.
    """
    day = on or timezone.localdate()
    flagged = 0
    due = (
        RepairApplication.objects.filter(state=RepairState.SUBMITTED, overdue=False, decision_due_on__lt=day)
        .order_by("decision_due_on", "pk")
        .values_list("pk", flat=True)
    )
    operators: list[User] | None = None
    for pk in list(due):
        with transaction.atomic():
            claimed = RepairApplication.objects.filter(pk=pk, state=RepairState.SUBMITTED, overdue=False).update(
                overdue=True, overdue_since=day
            )
            if not claimed:
                continue
            application = RepairApplication.objects.select_related("record").get(pk=pk)
            assert application.decision_due_on is not None  # filtered above
            flagged += 1
            _audit(
                None,
                "repairs.application.overdue",
                application,
                {"due": application.decision_due_on.isoformat(), "on": day.isoformat()},
            )
            body = (
                f"信用修复申请 {application.number}（信用记录 {application.record_id}，"
                f"目录项 {application.record.item_code}）的决定期限 {application.decision_due_on.isoformat()} 已过，"
                f"尚未作出决定（{application.decision_due_basis}），请尽快办理。"
            )
            if operators is None:
                operators = role_holders(Role.OPERATOR)
            notices_send(
                recipients=[*organisation_staff(application.provider_id, role=Role.PROVIDER), *operators],
                topic=TOPIC,
                title=f"信用修复申请 {application.number} 已逾期未决定",
                body=body,
                link=_link(application),
            )
    return SweepResult(day, flagged)


# --- proofs: reading and clean-up --------------------------------------------------------------


@transaction.atomic
def repair_proof_open(*, actor: Actor, proof: RepairProof) -> File:
    """Open a proof file for a person who may see its application; the read is audited."""
    if proof.application_id not in set(
        repairs_visible_to(actor).filter(pk=proof.application_id).values_list("pk", flat=True)
    ):
        raise NotFound(f"证明材料 {proof.pk} 不存在或您无权查看", field="proof")
    try:
        handle = default_storage.open(proof.path, "rb")
    except FileNotFoundError:
        raise NotFound(f"证明材料 {proof.pk} 的文件已不在存储中", field="proof") from None
    user, extra = audit_identity(actor)
    audit_record(
        actor=user,
        action="repairs.proof.read",
        target=proof.application,
        data={"proof": proof.pk, "sm3": audit_digest(proof.sm3), **extra},
    )
    return handle


def repair_proof_orphans_purge(*, now: dt.datetime | None = None) -> int:
    """Delete proof files no application refers to, older than `ORPHAN_GRACE`.

    A proof is written to storage before the application's transaction commits, so a refused or
    rolled-back application can leave its file behind; such a file may hold personal information
    with no purpose left. Referenced files are never touched, whatever their age.
    """
    known = set(RepairProof.objects.values_list("path", flat=True))
    purged, _ = proof_files_orphans_delete(STORAGE_DIR, known, now=now or timezone.now())
    if purged:
        with transaction.atomic():
            audit_record(actor=None, action="repairs.orphan_proofs.purge", data={"purged": purged})
    return purged


# --- calendar ---------------------------------------------------------------------------------


@transaction.atomic
def repairs_recompute_for_year(*, year: int) -> int:
    """Recompute the provisional due dates of open applications once `year`'s calendar is official.

    Only applications not yet flagged overdue: a flagged one has notices citing its due date. The
    limit is read again from the pack the application was received under, on its receiving day.
    Audited once with the count when any date moved.
    """
    source = database_calendar()
    changed = 0
    open_rows = RepairApplication.objects.select_for_update().filter(
        state=RepairState.SUBMITTED,
        overdue=False,
        decision_due_provisional=True,
        decision_due_on__gte=dt.date(year, 1, 1),
    )
    for application in open_rows:
        days, _ = decision_days(get_policy(on=application.received_on, pack=application.pack))
        if days is None:
            continue
        due = deadline_after(application.received_on, days, source=source)
        if (due.date, due.provisional) != (application.decision_due_on, application.decision_due_provisional):
            application.decision_due_on, application.decision_due_provisional = due.date, due.provisional
            application.save(update_fields=["decision_due_on", "decision_due_provisional"])
            changed += 1
    if changed:
        audit_record(actor=None, action="repairs.due_recompute", data={"year": year, "changed": changed})
    return changed


def on_calendar_year_published(sender: Any, year: int, **kwargs: Any) -> None:
    """Receiver for `calendar_year_published`, connected in the app's `ready()`."""
    repairs_recompute_for_year(year=year)
