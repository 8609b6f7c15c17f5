"""Every write of the objection procedure (异议处理).

The pack in force on the day of receipt decides each step's due date (`rules.py`); the state
table is `workflow.py`. Effects on disclosure go only through record holds (an OBJECTION hold
while open, an OVERDUE hold where the provider missed its deadline under 南通 第十四条, a
STATEMENT for the applicant's disagreement or an unverifiable record), and corrections and
deletions only through the records services, so the disclosure decision stays the one judge.
The applicant is told at every step; those who received a corrected or deleted record in the
last six months are told too (from the query log).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pubcredit.accounts.actors import (
    Actor,
    actor_label,
    actor_may,
    actor_user_and_label,
    audit_identity,
    is_superuser,
    require_subject_account,
)
from pubcredit.accounts.models import OrganisationKind, User
from pubcredit.core.audit import audit_digest, audit_record
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.proof_files import proof_files_orphans_delete
from pubcredit.core.roles import Role
from pubcredit.disclosure.selectors.query_log import query_log_recipients
from pubcredit.lists.models import ExitReason
from pubcredit.lists.services import entries_exit_for_records
from pubcredit.notices.services import notices_send, organisation_staff, role_holders
from pubcredit.objections import rules
from pubcredit.objections.evidence import STORAGE_DIR, Upload, open_file, read_proofs, store
from pubcredit.objections.models import (
    OPEN_STATES,
    Channel,
    Ground,
    ItemResult,
    ItemState,
    Objection,
    ObjectionEvidence,
    ObjectionItem,
    ObjectionState,
    ReviewResult,
)
from pubcredit.objections.selectors import objections_visible_to
from pubcredit.objections.workflow import require_transition
from pubcredit.ops.faults import fault_point
from pubcredit.policy import Policy, get_policy
from pubcredit.records.models import Annotation, AnnotationKind, Record, RecordStatus
from pubcredit.records.rules import add_months
from pubcredit.records.services import record_correct, record_hold_lift, record_hold_place, record_withdraw
from pubcredit.subjects.models import Subject

MAX_ITEMS = 20
MAX_STATEMENT = 2000
RECIPIENT_MONTHS = 6  # beyond the regulations: GDPR Art. 19, FCRA § 1681i(d)


class CheckAction:
    FORWARD = "forward"
    PLATFORM_CORRECT = "platform_correct"
    PLATFORM_WITHDRAW = "platform_withdraw"
    ALL = (FORWARD, PLATFORM_CORRECT, PLATFORM_WITHDRAW)


class Answer:
    CORRECTED = "corrected"
    CONFIRMED = "confirmed"
    UNVERIFIABLE = "unverifiable"
    ALL = (CORRECTED, CONFIRMED, UNVERIFIABLE)


@dataclass(frozen=True)
class CheckDecision:
    """The credit centre's finding on one disputed record."""

    action: str = CheckAction.FORWARD
    reason: str = ""
    data: Mapping[str, Any] | None = None  # corrected values (merged over the record's), for a correction


@dataclass
class SweepResult:
    on: dt.date
    objections_flagged: int = 0
    items_flagged: int = 0
    holds_placed: int = 0
    numbers: list[str] = field(default_factory=list)


# --- who may act ------------------------------------------------------------------------------


_label = actor_label


def _require_subject_account(actor: Actor) -> tuple[User, Subject]:
    user, subject_id = require_subject_account(actor, refused="不能提出异议申请")
    return user, Subject.objects.get(pk=subject_id)


def is_operator(actor: Actor) -> bool:
    if is_superuser(actor):
        return True
    return (
        isinstance(actor, User)
        and actor.is_active
        and actor_may(actor, Role.OPERATOR)
        and actor.organisation is not None
        and actor.organisation.kind == OrganisationKind.CREDIT_CENTRE
    )


def _require_operator(actor: Actor, *, doing: str) -> User:
    if is_operator(actor) and isinstance(actor, User):
        return actor
    raise PermissionDenied(f"“{_label(actor)}”不是信用中心的工作人员，不能{doing}")


def _require_provider_of(actor: Actor, item: ObjectionItem) -> None:
    if actor_may(actor, Role.PROVIDER, scope="collect") and getattr(actor, "organisation_id", None) == item.provider_id:
        return
    raise PermissionDenied(
        f"“{_label(actor)}”不属于记录 {item.record_id} 的信息提供单位，不能答复该异议"
        "（谁产生、谁上传、谁负责，西安 第十六条）"
    )


def _require_authority(actor: Actor) -> User:
    if isinstance(actor, User) and actor.is_active and actor_may(actor, Role.AUTHORITY):
        return actor
    raise PermissionDenied(f"“{_label(actor)}”不是主管部门的工作人员，不能作出复核决定")


# --- common steps -----------------------------------------------------------------------------


def policy_of(objection: Objection) -> Policy:
    """The rules in force on the day of receipt govern the whole application."""
    return get_policy(on=objection.received_on, pack=objection.pack)


def _audit(actor: Actor, action: str, objection: Objection, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=objection, data={"number": objection.number, **data, **extra})


def _workflow(objection: Objection) -> str:
    return f"objection:{objection.number}"


def _link(objection: Objection) -> str:
    return reverse("objections:detail", args=[objection.pk])


def _applicants(objection: Objection) -> list[User]:
    if objection.applicant_id is not None:
        return list(User.objects.filter(pk=objection.applicant_id, is_active=True))
    return list(User.objects.filter(subject_id=objection.subject_id, is_active=True))


def _tell_applicant(objection: Objection, topic: str, title: str, body: str) -> None:
    notices_send(
        recipients=_applicants(objection), topic=f"objection.{topic}", title=title, body=body, link=_link(objection)
    )


def _tell_operators(objection: Objection, topic: str, title: str, body: str) -> None:
    notices_send(
        recipients=role_holders(Role.OPERATOR),
        topic=f"objection.{topic}",
        title=title,
        body=body,
        link=_link(objection),
    )


def _tell_provider(objection: Objection, provider_id: int, topic: str, title: str, body: str) -> None:
    notices_send(
        recipients=organisation_staff(provider_id, role=Role.PROVIDER),
        topic=f"objection.{topic}",
        title=title,
        body=body,
        link=_link(objection),
    )


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "无期限"


def _clean(text: str, *, name: str, field_name: str, required: bool = True, limit: int = MAX_STATEMENT) -> str:
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise ValidationFailed(f"{name}不能为空", field=field_name)
    if len(cleaned) > limit:
        raise ValidationFailed(f"{name}长度 {len(cleaned)} 超过上限 {limit} 个字符", field=field_name)
    return cleaned


def _locked(objection: Objection) -> Objection:
    found = Objection.objects.select_for_update().filter(pk=objection.pk).first()
    if found is None:
        raise NotFound(f"未找到异议申请 {objection.pk}")
    return found


def _end_list_entries(actor: Actor, objection: Objection, record: Record) -> None:
    """List entries resting on a record deleted on objection end with it (元宝山方案 五（八）:
    经核实有误的信息应及时更正或撤销)."""
    entries_exit_for_records(actor=actor, records=[record], reason=ExitReason.OBJECTION, reference=objection.number)


def _hold(actor: Actor, objection: Objection, record: Record, policy: Policy, *, text: str) -> Annotation:
    return record_hold_place(
        actor=actor,
        record=record,
        kind=AnnotationKind.OBJECTION,
        text=text,
        article=rules.cite(policy, rules.EFFECT_WHILE_OPEN),
        workflow=_workflow(objection),
    )


def _lift(actor: Actor, objection: Objection, annotation_id: int | None, reason: str) -> None:
    if annotation_id is None:
        return
    annotation = Annotation.objects.filter(pk=annotation_id).first()
    if annotation is not None:
        record_hold_lift(actor=actor, annotation=annotation, reason=reason, workflow=_workflow(objection))


def _tell_recipients(objection: Objection, record: Record, what: str, today: dt.date) -> int:
    """Those who received the record in the last six months learn that it was corrected or deleted."""
    since = add_months(today, -RECIPIENT_MONTHS)
    users: dict[int, User] = {}
    recipients = query_log_recipients(record.pk, since)
    user_ids = {r.user_id for r in recipients if r.user_id is not None}
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        users[user.pk] = user
    for organisation_id in sorted({r.organisation_id for r in recipients if r.organisation_id is not None}):
        for user in organisation_staff(organisation_id):
            users.setdefault(user.pk, user)
    users.pop(objection.applicant_id or 0, None)
    if users:
        notices_send(
            recipients=users.values(),
            topic="objection.record_changed",
            title=f"您曾获取的信用记录 {record.pk}（{record.item_code}）已{what}",
            body=(
                f"记录 {record.pk}（目录项 {record.item_code}）经异议 {objection.number} 处理，已于 {today.isoformat()}"
                f"{what}。您在近 {RECIPIENT_MONTHS} 个月内曾获取该记录，请以平台当前信息为准。"
            ),
        )
    return len(users)


def _merged(record: Record, data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not data:
        raise ValidationFailed(f"更正记录 {record.pk} 须填写更正后的内容", field="data")
    unknown = sorted(set(data) - {spec.name for spec in record.item.field_specs()})
    if unknown:
        raise ValidationFailed(
            f"记录 {record.pk} 的目录项 {record.item_code} 没有字段“{'、'.join(unknown)}”", field="data"
        )
    return {**record.data, **data}


# --- filing -----------------------------------------------------------------------------------


def _check_records(subject: Subject, records: Sequence[Record]) -> list[Record]:
    if not records:
        raise ValidationFailed("请至少选择一条有异议的信用记录", field="records")
    if len(records) > MAX_ITEMS:
        raise ValidationFailed(f"一次异议申请最多 {MAX_ITEMS} 条记录，收到 {len(records)} 条", field="records")
    ids = [r.pk for r in records]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("同一条记录在申请中重复出现", field="records")
    found = {r.pk: r for r in Record.objects.select_related("item").filter(pk__in=ids)}
    checked: list[Record] = []
    for record_id in ids:
        record = found.get(record_id)
        if record is None or record.subject_id != subject.pk:
            raise ValidationFailed(f"记录 {record_id} 不是本主体的信用记录，不能对其提出异议", field="records")
        if record.status != RecordStatus.ACTIVE:
            raise ValidationFailed(
                f"记录 {record_id} 的状态为“{record.get_status_display()}”，只能对有效记录提出异议", field="records"
            )
        checked.append(record)
    busy = (
        ObjectionItem.objects.filter(record_id__in=ids, objection__state__in=list(OPEN_STATES))
        .values_list("record_id", "objection__number")
        .first()
    )
    if busy is not None:
        raise ValidationFailed(f"记录 {busy[0]} 已在异议 {busy[1]} 中处理，请待其办结后再提出", field="records")
    return checked


@transaction.atomic
def _create(
    *,
    actor: Actor,
    subject: Subject,
    applicant: User | None,
    channel: str,
    entered_by: User | None,
    records: Sequence[Record],
    ground: str,
    statement: str,
    received_on: dt.date,
    evidence: Sequence[Upload],
    by_agent: bool,
    authorisation_ref: str,
) -> Objection:
    if ground not in Ground.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in Ground.choices)
        raise ValidationFailed(f"异议事由“{ground}”无效，可选：{allowed}", field="ground")
    statement = _clean(statement, name="异议说明", field_name="statement")
    authorisation_ref = _clean(
        authorisation_ref, name="授权委托书编号", field_name="authorisation_ref", required=False, limit=100
    )
    if by_agent and not authorisation_ref:
        raise ValidationFailed("委托代理人申请的，须填写授权委托书编号", field="authorisation_ref")
    checked = _check_records(subject, records)
    proofs = read_proofs(evidence)
    policy = get_policy(on=received_on)
    required = policy.param("objection.evidence_required")
    if required.value is True and not proofs:
        raise ValidationFailed(
            f"异议申请须提交相关证据材料（objection.evidence_required，{required.article}）", field="evidence"
        )
    check = rules.check_due(policy, received_on)
    forward = rules.forward_due(policy, received_on)
    total = rules.total_due(policy, received_on)
    objection = Objection.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        subject=subject,
        applicant=applicant,
        by_agent=by_agent,
        authorisation_ref=authorisation_ref,
        channel=channel,
        entered_by=entered_by,
        ground=ground,
        statement=statement,
        received_on=received_on,
        pack=policy.code,
        state=ObjectionState.CHECKING,
        due_on=check.day if check else None,
        check_due_on=check.day if check else None,
        forward_due_on=forward.day if forward else None,
        total_due_on=total.day if total else None,
        sanctions_suspended=rules.sanctions_suspended(policy),
    )
    objection.number = f"YY{received_on:%Y}{objection.pk:06d}"
    objection.save(update_fields=["number"])
    for record in checked:
        hold = _hold(actor, objection, record, policy, text=f"异议处理中（异议 {objection.number}）")
        ObjectionItem.objects.create(
            objection=objection,
            record=record,
            item_code=record.item_code,
            provider_id=record.provider_id,
            hold_id=hold.pk,
        )
    for proof in proofs:
        ObjectionEvidence.objects.create(
            objection=objection,
            file_name=proof.file_name,
            content_type=proof.file_type.content_type,
            size=len(proof.content),
            sm3=proof.sm3,
            path=store(proof),
        )
    _audit(
        actor,
        f"objections.objection.{'file' if channel == Channel.ONLINE else 'enter'}",
        objection,
        {
            "subject": subject.pk,
            "records": [r.pk for r in checked],
            "ground": ground,
            "received_on": received_on.isoformat(),
            "pack": policy.code,
            "check_due_on": _day(objection.check_due_on),
            "evidence": [audit_digest(p.sm3) for p in proofs],
        },
    )
    codes = "、".join(f"记录 {r.pk}（{r.item_code}）" for r in checked)
    effect = "暂停披露" if rules.suspends_while_open(policy) else "标注“异议处理中”并继续披露"
    article = rules.cite(policy, rules.EFFECT_WHILE_OPEN)
    _tell_applicant(
        objection,
        "received",
        f"异议申请 {objection.number} 已受理",
        f"平台已于 {received_on.isoformat()} 收到您对 {codes} 的异议申请。处理期间相关记录{effect}（{article}）。"
        f"平台核查时限：{_day(objection.check_due_on)}。",
    )
    _tell_operators(
        objection,
        "to_check",
        f"新的异议申请 {objection.number} 待核查",
        f"异议 {objection.number} 涉及 {codes}，请于 {_day(objection.check_due_on)} 前完成核查。",
    )
    return objection


def objection_file(
    *,
    actor: Actor,
    records: Sequence[Record],
    ground: str,
    statement: str,
    evidence: Sequence[Upload] = (),
    by_agent: bool = False,
    authorisation_ref: str = "",
) -> Objection:
    """A subject's account (or its authorised agent signed in to it) objects online."""
    user, subject = _require_subject_account(actor)
    return _create(
        actor=user,
        subject=subject,
        applicant=user,
        channel=Channel.ONLINE,
        entered_by=None,
        records=records,
        ground=ground,
        statement=statement,
        received_on=timezone.localdate(),
        evidence=evidence,
        by_agent=by_agent,
        authorisation_ref=authorisation_ref,
    )


def objection_enter(
    *,
    actor: Actor,
    subject: Subject,
    records: Sequence[Record],
    ground: str,
    statement: str,
    received_on: dt.date | None = None,
    evidence: Sequence[Upload] = (),
    by_agent: bool = False,
    authorisation_ref: str = "",
) -> Objection:
    """An operator enters a written application received at the counter, on the day it came in."""
    user = _require_operator(actor, doing="录入窗口异议申请")
    today = timezone.localdate()
    day = received_on or today
    if day > today:
        raise ValidationFailed(f"收到申请日期 {day.isoformat()} 晚于今天 {today.isoformat()}", field="received_on")
    if (today - day).days > 31:
        raise ValidationFailed(
            f"收到申请日期 {day.isoformat()} 早于今天一个月以上，请核实后按实际收件日期录入", field="received_on"
        )
    return _create(
        actor=user,
        subject=subject,
        applicant=None,
        channel=Channel.COUNTER,
        entered_by=user,
        records=records,
        ground=ground,
        statement=statement,
        received_on=day,
        evidence=evidence,
        by_agent=by_agent,
        authorisation_ref=authorisation_ref,
    )


# --- the platform's check ---------------------------------------------------------------------


def _finish_stage(objection: Objection, policy: Policy, today: dt.date, *, platform: bool) -> rules.Due | None:
    """Every item has its outcome: the applicant must now be told, within the pack's limit."""
    require_transition(number=objection.number, current=objection.state, target=ObjectionState.ANSWERED)
    due = (
        rules.platform_notice_due(policy, today, objection.received_on)
        if platform
        else rules.applicant_notice_due(policy, today, objection.received_on)
    )
    objection.state = ObjectionState.ANSWERED
    objection.answered_on = today
    objection.notice_due_on = due.day if due else None
    objection.due_on = objection.notice_due_on
    objection.overdue = False
    return due


def _notice_basis(due: rules.Due | None) -> str:
    return f"（{due.article}）" if due is not None else "（所在地办法未规定期限）"


@transaction.atomic
def objection_check(
    *, actor: Actor, objection: Objection, decisions: Mapping[int, CheckDecision] | None = None
) -> Objection:
    """The credit centre's first check: fix its own errors, forward the rest to the providers.

    `decisions` maps item ids to findings; an item not named is forwarded.
    """
    user = _require_operator(actor, doing="核查异议")
    objection = _locked(objection)
    if objection.state != ObjectionState.CHECKING:
        raise ValidationFailed(
            f"异议 {objection.number} 的状态为“{objection.get_state_display()}”，平台核查已完成", field="state"
        )
    decisions = dict(decisions or {})
    items = list(objection.items.select_related("record__item").order_by("id"))
    unknown = sorted(set(decisions) - {item.pk for item in items})
    if unknown:
        raise ValidationFailed(f"异议 {objection.number} 没有信息项 {unknown[0]}", field="decisions")
    policy = policy_of(objection)
    today = timezone.localdate()
    forwarded: list[ObjectionItem] = []
    fixed: list[str] = []
    provider_basis: rules.Due | None = None
    notice: rules.Due | None = None
    for item in items:
        decision = decisions.get(item.pk, CheckDecision())
        if decision.action not in CheckAction.ALL:
            raise ValidationFailed(f"核查结论“{decision.action}”无效", field="decisions")
        if decision.action == CheckAction.FORWARD:
            provider_basis = rules.provider_due(policy, today, objection.received_on)
            item.state = ItemState.VERIFYING
            item.forwarded_on = today
            item.provider_due_on = provider_basis.day if provider_basis else None
            item.save(update_fields=["state", "forwarded_on", "provider_due_on"])
            forwarded.append(item)
            continue
        reason = _clean(decision.reason, name=f"记录 {item.record_id} 的平台原因说明", field_name="reason")
        full_reason = f"异议 {objection.number}：平台原因造成的错误。{reason}"
        if decision.action == CheckAction.PLATFORM_CORRECT:
            record_correct(
                actor=user,
                record=item.record,
                reason=full_reason,
                data=_merged(item.record, decision.data),
                platform_error=objection.number,
            )
            item.result = ItemResult.PLATFORM_CORRECTED
            what = "更正"
        else:
            record_withdraw(actor=user, record=item.record, reason=full_reason, platform_error=objection.number)
            _end_list_entries(user, objection, item.record)
            item.result = ItemResult.PLATFORM_WITHDRAWN
            what = "撤销"
        _lift(user, objection, item.hold_id, f"异议 {objection.number} 已由平台{what}记录")
        item.state = ItemState.DONE
        item.reason = reason
        item.answered_on = today
        item.answered_by_label = actor_user_and_label(user)[1]
        item.save(update_fields=["state", "result", "reason", "answered_on", "answered_by_label"])
        _tell_recipients(objection, item.record, f"{what}", today)
        fixed.append(f"记录 {item.record_id}（{item.item_code}）已{what}：{reason}")
    objection.checked_on = today
    if forwarded:
        require_transition(number=objection.number, current=objection.state, target=ObjectionState.VERIFYING)
        objection.state = ObjectionState.VERIFYING
        dues = [item.provider_due_on for item in forwarded if item.provider_due_on is not None]
        objection.due_on = min(dues) if dues else None
        objection.overdue = False
    else:
        notice = _finish_stage(objection, policy, today, platform=True)
    objection.save()
    _audit(
        user,
        "objections.objection.check",
        objection,
        {
            "forwarded": [item.record_id for item in forwarded],
            "fixed": {str(k): v.action for k, v in decisions.items() if v.action != CheckAction.FORWARD},
            "state": objection.state,
        },
    )
    for provider_id in sorted({item.provider_id for item in forwarded}):
        mine = [item for item in forwarded if item.provider_id == provider_id]
        listed = "、".join(f"记录 {item.record_id}（{item.item_code}）" for item in mine)
        _tell_provider(
            objection,
            provider_id,
            "forwarded",
            f"异议 {objection.number} 请核查答复",
            f"信息主体对本单位报送的 {listed} 提出异议，请于 {_day(mine[0].provider_due_on)} 前核查并答复"
            f"{_notice_basis(provider_basis)}。",
        )
    lines = list(fixed)
    if forwarded:
        lines.append(
            "已转信息提供单位核查："
            + "、".join(
                f"记录 {item.record_id}（{item.item_code}，答复时限 {_day(item.provider_due_on)}）"
                for item in forwarded
            )
        )
    _tell_applicant(objection, "checked", f"异议 {objection.number} 已完成平台核查", "；".join(lines) + "。")
    if not forwarded:
        _tell_operators(
            objection,
            "to_notify",
            f"异议 {objection.number} 待告知申请人",
            f"平台已更正，请于 {_day(objection.notice_due_on)} 前书面告知申请人{_notice_basis(notice)}。",
        )
    return objection


# --- the provider's answer --------------------------------------------------------------------


@transaction.atomic
def objection_answer(
    *,
    actor: Actor,
    objection: Objection,
    item: ObjectionItem,
    answer: str,
    reason: str,
    data: Mapping[str, Any] | None = None,
) -> ObjectionItem:
    """The provider answers for one of its records: corrected (new version), confirmed, or unverifiable."""
    objection = _locked(objection)
    item = ObjectionItem.objects.select_for_update().select_related("record__item").get(pk=item.pk)
    if item.objection_id != objection.pk:
        raise NotFound(f"异议 {objection.number} 没有信息项 {item.pk}")
    _require_provider_of(actor, item)
    if objection.state != ObjectionState.VERIFYING or item.state != ItemState.VERIFYING:
        raise ValidationFailed(
            f"异议 {objection.number} 中记录 {item.record_id} 的状态为“{item.get_state_display()}”，不在待答复状态",
            field="state",
        )
    if answer not in Answer.ALL:
        raise ValidationFailed(f"答复结论“{answer}”无效，可选：更正、核实无误、无法核实", field="answer")
    reason = _clean(reason, name="核查说明", field_name="reason")
    policy = policy_of(objection)
    today = timezone.localdate()
    record = item.record
    told = 0
    if answer == Answer.CORRECTED:
        record_correct(
            actor=actor, record=record, reason=f"异议 {objection.number}：{reason}", data=_merged(record, data)
        )
        item.result = ItemResult.CORRECTED
        told = _tell_recipients(objection, record, "更正", today)
    elif answer == Answer.CONFIRMED:
        item.result = ItemResult.CONFIRMED
    elif rules.unverifiable_deletes(policy):
        article = rules.cite(policy, rules.UNVERIFIABLE)
        record_withdraw(
            actor=actor,
            record=record,
            reason=f"异议 {objection.number}：无法核实真实性，予以删除（{article}）。{reason}",
        )
        _end_list_entries(actor, objection, record)
        item.result = ItemResult.UNVERIFIABLE_DELETED
        told = _tell_recipients(objection, record, "删除", today)
    else:
        statement = record_hold_place(
            actor=actor,
            record=record,
            kind=AnnotationKind.STATEMENT,
            text=f"附注声明：经信息提供单位核查，该信息无法核实真实性（异议 {objection.number}）。{reason}",
            article=rules.cite(policy, rules.UNVERIFIABLE),
            workflow=_workflow(objection),
        )
        item.statement_id = statement.pk
        item.result = ItemResult.UNVERIFIABLE_ANNOTATED
    _lift(actor, objection, item.hold_id, f"信息提供单位已答复：{item.get_result_display()}")
    _lift(actor, objection, item.overdue_hold_id, "信息提供单位已答复")
    item.state = ItemState.DONE
    item.reason = reason
    item.answered_on = today
    item.answered_by_label = actor_user_and_label(actor)[1]
    item.save()
    remaining = list(objection.items.filter(state=ItemState.VERIFYING))
    notice: rules.Due | None = None
    if remaining:
        dues = [other.provider_due_on for other in remaining if other.provider_due_on is not None]
        objection.due_on = min(dues) if dues else None
        objection.overdue = any(other.overdue for other in remaining)
    else:
        notice = _finish_stage(objection, policy, today, platform=False)
    objection.save()
    _audit(
        actor,
        "objections.item.answer",
        objection,
        {"item": item.pk, "record": item.record_id, "result": item.result, "recipients_told": told},
    )
    title = f"异议 {objection.number}：记录 {item.record_id} 已有核查结果"
    body = f"信息提供单位对记录 {item.record_id}（{item.item_code}）的核查结果：{item.get_result_display()}。{reason}"
    _tell_applicant(objection, "answered", title, body)
    if not remaining:
        _tell_operators(
            objection,
            "to_notify",
            f"异议 {objection.number} 待告知申请人",
            f"各信息项均已处理，请于 {_day(objection.notice_due_on)} 前书面告知申请人{_notice_basis(notice)}。",
        )
    fault_point("objection.answer.before_commit")
    return item


# --- telling the applicant, disagreement, review ----------------------------------------------


@transaction.atomic
def objection_close(*, actor: Actor, objection: Objection, note: str = "") -> Objection:
    """The credit centre tells the applicant the result in writing; the application is closed."""
    user = _require_operator(actor, doing="办结异议")
    objection = _locked(objection)
    require_transition(number=objection.number, current=objection.state, target=ObjectionState.CLOSED)
    note = _clean(note, name="处理结果说明", field_name="note", required=False)
    policy = policy_of(objection)
    today = timezone.localdate()
    objection.state = ObjectionState.CLOSED
    objection.closed_on = today
    objection.outcome_note = note
    objection.due_on = None
    objection.overdue = False
    objection.save()
    _audit(user, "objections.objection.close", objection, {"closed_on": today.isoformat()})
    results = "；".join(
        f"记录 {item.record_id}（{item.item_code}）：{item.get_result_display()}" for item in objection.items.all()
    )
    follow = rules.after_confirmed_disagreement(policy)
    hint = {
        "disclose_with_statement": "如对核实无误的结果仍有异议，可提交异议及理由，平台将在披露时一并标明"
        f"（{rules.cite(policy, rules.CONFIRMED_DISAGREE)}）。",
        "review": f"对处理结果不服的，可以申请复核（{rules.cite(policy, rules.CONFIRMED_DISAGREE)}）。",
    }.get(follow, "")
    _tell_applicant(
        objection, "closed", f"异议 {objection.number} 处理结果", f"{results}。{note}{'。' if note else ''}{hint}"
    )
    return objection


def may_disagree(objection: Objection, policy: Policy) -> bool:
    """Whether the pack gives the applicant a further step after the result (南通, 元宝山)."""
    if objection.state != ObjectionState.CLOSED or objection.disagreement:
        return False
    follow = rules.after_confirmed_disagreement(policy)
    if follow == "review":
        return True
    if follow == "disclose_with_statement":
        return objection.items.filter(result=ItemResult.CONFIRMED).exists()
    return False


@transaction.atomic
def objection_disagree(*, actor: Actor, objection: Objection, text: str) -> Objection:
    """The applicant still disagrees: its statement is disclosed with the record (南通 第十四条（二）),
    or the authority reviews the result (元宝山 第三十一条)."""
    user, subject = _require_subject_account(actor)
    objection = _locked(objection)
    if objection.subject_id != subject.pk:
        raise NotFound(f"未找到异议申请 {objection.pk}")
    policy = policy_of(objection)
    text = _clean(text, name="异议及理由", field_name="text")
    if not may_disagree(objection, policy):
        raise ValidationFailed(
            f"异议 {objection.number} 当前不能再提出异议：所在地办法未规定进一步程序、尚未办结或已提出过",
            field="text",
        )
    today = timezone.localdate()
    follow = rules.after_confirmed_disagreement(policy)
    objection.disagreement = text
    article = rules.cite(policy, rules.CONFIRMED_DISAGREE)
    if follow == "disclose_with_statement":
        for item in objection.items.filter(result=ItemResult.CONFIRMED).select_related("record"):
            statement = record_hold_place(
                actor=user,
                record=item.record,
                kind=AnnotationKind.STATEMENT,
                text=f"异议人对该信息持有异议（异议 {objection.number}），理由：{text}",
                article=article,
                workflow=_workflow(objection),
            )
            item.statement_id = statement.pk
            item.save(update_fields=["statement_id"])
        objection.save()
        _audit(user, "objections.objection.disagree", objection, {"follow": follow})
        _tell_operators(
            objection,
            "disagree",
            f"异议 {objection.number} 申请人仍持异议",
            f"申请人的异议及理由已随记录披露（{article}）。",
        )
        return objection
    require_transition(number=objection.number, current=objection.state, target=ObjectionState.REVIEW)
    due = rules.review_due(policy, today)
    objection.state = ObjectionState.REVIEW
    objection.review_requested_on = today
    objection.review_due_on = due.day if due else None
    objection.due_on = objection.review_due_on
    objection.overdue = False
    for item in objection.items.select_related("record"):
        if item.record.status == RecordStatus.ACTIVE:
            hold = _hold(user, objection, item.record, policy, text=f"复核中（异议 {objection.number}）")
            item.hold_id = hold.pk
            item.save(update_fields=["hold_id"])
    objection.save()
    _audit(
        user,
        "objections.objection.disagree",
        objection,
        {"follow": follow, "review_due_on": _day(objection.review_due_on)},
    )
    notices_send(
        recipients=role_holders(Role.AUTHORITY),
        topic="objection.review",
        title=f"异议 {objection.number} 申请复核",
        body=f"申请人对异议处理结果不服，申请复核，请于 {_day(objection.review_due_on)} 前作出复核决定"
        f"（{rules.cite(policy, rules.REVIEW)}）。",
        link=_link(objection),
    )
    _tell_applicant(
        objection,
        "review_requested",
        f"异议 {objection.number} 复核申请已受理",
        f"复核时限：{_day(objection.review_due_on)}（{rules.cite(policy, rules.REVIEW)}）。",
    )
    return objection


@transaction.atomic
def objection_review(*, actor: Actor, objection: Objection, result: str, reason: str) -> Objection:
    """The authority's review (复核): the result upheld, or the provider told to verify again."""
    user = _require_authority(actor)
    objection = _locked(objection)
    if result not in ReviewResult.values:
        raise ValidationFailed(f"复核结论“{result}”无效", field="result")
    reason = _clean(reason, name="复核意见", field_name="reason")
    target = ObjectionState.CLOSED if result == ReviewResult.UPHELD else ObjectionState.VERIFYING
    require_transition(number=objection.number, current=objection.state, target=target)
    policy = policy_of(objection)
    today = timezone.localdate()
    objection.review_result = result
    objection.review_reason = reason
    items = list(objection.items.select_related("record"))
    if result == ReviewResult.UPHELD:
        for item in items:
            _lift(user, objection, item.hold_id, "复核维持原处理结果")
        objection.state = ObjectionState.CLOSED
        objection.due_on = None
    else:
        again = [item for item in items if item.record.status == RecordStatus.ACTIVE]
        for item in again:
            due = rules.provider_due(policy, today, today)
            item.state = ItemState.VERIFYING
            item.forwarded_on = today
            item.provider_due_on = due.day if due else None
            item.overdue = False
            item.result = ""
            item.save()
            _tell_provider(
                objection,
                item.provider_id,
                "reverify",
                f"异议 {objection.number} 复核要求重新核查",
                f"主管部门复核要求重新核查记录 {item.record_id}（{item.item_code}），"
                f"答复时限 {_day(item.provider_due_on)}。",
            )
        dues = [item.provider_due_on for item in again if item.provider_due_on is not None]
        objection.state = ObjectionState.VERIFYING
        objection.due_on = min(dues) if dues else None
    objection.overdue = False
    objection.save()
    _audit(user, "objections.objection.review", objection, {"result": result})
    # 元宝山 第三十一条: the decision goes in writing to the subject, the credit centre and the provider.
    title = f"异议 {objection.number} 复核决定"
    body = f"复核结论：{ReviewResult(result).label}。{reason}"
    _tell_applicant(objection, "reviewed", title, body)
    _tell_operators(objection, "reviewed", title, body)
    for provider_id in sorted({item.provider_id for item in items}):
        _tell_provider(objection, provider_id, "reviewed", title, body)
    return objection


# --- the daily sweep --------------------------------------------------------------------------


def _flag_objection(pk: int, on: dt.date, result: SweepResult) -> None:
    with transaction.atomic():
        if not Objection.objects.filter(pk=pk, overdue=False, due_on__lt=on).update(overdue=True):
            return  # another run got there first
        objection = Objection.objects.get(pk=pk)
        result.objections_flagged += 1
        result.numbers.append(objection.number)
        audit_record(
            actor=None,
            action="objections.objection.overdue",
            target=objection,
            data={"number": objection.number, "state": objection.state, "due_on": _day(objection.due_on)},
        )
        _tell_operators(
            objection,
            "overdue",
            f"异议 {objection.number} 已逾期",
            f"异议 {objection.number}（{objection.get_state_display()}）办理时限为 {_day(objection.due_on)}，"
            "已逾期，请督办。",
        )


def _flag_item(pk: int, on: dt.date, result: SweepResult) -> None:
    with transaction.atomic():
        if not ObjectionItem.objects.filter(
            pk=pk, state=ItemState.VERIFYING, overdue=False, provider_due_on__lt=on
        ).update(overdue=True):
            return
        item = ObjectionItem.objects.select_related("objection", "record").get(pk=pk)
        objection = item.objection
        Objection.objects.filter(pk=objection.pk).update(escalated=True)
        result.items_flagged += 1
        policy = policy_of(objection)
        stop = rules.overdue_stops_query(policy)
        if stop and item.overdue_hold_id is None:
            hold = record_hold_place(
                actor=None,
                record=item.record,
                kind=AnnotationKind.OVERDUE,
                text=f"信息提供单位逾期未核查（异议 {objection.number}），平台暂停提供该信息查询",
                article=rules.cite(policy, rules.PROVIDER_OVERDUE),
                workflow=_workflow(objection),
            )
            ObjectionItem.objects.filter(pk=pk).update(overdue_hold_id=hold.pk)
            result.holds_placed += 1
        audit_record(
            actor=None,
            action="objections.item.overdue",
            target=objection,
            data={"number": objection.number, "item": pk, "record": item.record_id, "stop_query": stop},
        )
        effect = "平台已暂停提供该信息查询" if stop else "已提交督办"
        article = rules.cite(policy, rules.PROVIDER_OVERDUE)
        body = (
            f"记录 {item.record_id}（{item.item_code}）的答复时限为 {_day(item.provider_due_on)}，"
            f"信息提供单位逾期未答复，{effect}（{article}）。"
        )
        _tell_operators(objection, "escalated", f"异议 {objection.number} 提供单位逾期未答复", body)
        _tell_provider(objection, item.provider_id, "provider_overdue", f"异议 {objection.number} 答复已逾期", body)
        if stop:
            _tell_applicant(objection, "provider_overdue", f"异议 {objection.number} 提供单位逾期未答复", body)


def objections_sweep(*, on: dt.date | None = None) -> SweepResult:
    """Flag what fell due before `on`, along the partial due-date indexes; a second run does nothing.

    Each row is flagged with a compare-and-swap update in its own transaction, so two sweeps
    running at once flag it once.
    """
    day = on or timezone.localdate()
    result = SweepResult(on=day)
    item_ids = list(
        ObjectionItem.objects.filter(state=ItemState.VERIFYING, overdue=False, provider_due_on__lt=day)
        .order_by("provider_due_on", "pk")
        .values_list("pk", flat=True)
    )
    for pk in item_ids:
        _flag_item(pk, day, result)
    objection_ids = list(
        Objection.objects.filter(Q(state__in=list(OPEN_STATES)), overdue=False, due_on__isnull=False, due_on__lt=day)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    for pk in objection_ids:
        _flag_objection(pk, day, result)
    return result


def evidence_orphans_purge(*, now: dt.datetime | None = None) -> int:
    """Delete evidence files that no application names, a day after they were written.

    Files are stored before the filing's transaction commits, so a refused or rolled-back filing
    leaves its files behind; they may hold personal information with no purpose left.
    """
    known = set(ObjectionEvidence.objects.values_list("path", flat=True))
    purged, size = proof_files_orphans_delete(STORAGE_DIR, known, now=now or timezone.now())
    if purged:
        with transaction.atomic():
            audit_record(actor=None, action="objections.evidence.purge_orphans", data={"purged": purged, "bytes": size})
    return purged


@transaction.atomic
def evidence_open(*, actor: Actor, evidence: ObjectionEvidence) -> File:
    """Open an evidence file for someone who may see the application; the read is audited."""
    if not objections_visible_to(actor).filter(pk=evidence.objection_id).exists():
        raise NotFound(f"证明材料 {evidence.pk} 不存在或您无权查看", field="evidence")
    try:
        handle = open_file(evidence.path)
    except FileNotFoundError:
        raise NotFound(f"证明材料 {evidence.pk} 的文件已不在存储中", field="evidence") from None
    objection = Objection.objects.get(pk=evidence.objection_id)
    _audit(actor, "objections.evidence.read", objection, {"evidence": evidence.pk, "sm3": audit_digest(evidence.sm3)})
    return handle
