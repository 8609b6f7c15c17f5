"""Writes of joint rewards and sanctions: tasks opened when a subject enters a list, the
departments' feedback, the overdue sweep, credit checks and their feedback, and the restoration
of a wrongly listed subject's reputation.

发起—响应—反馈 (元宝山方案 五（一）): the initiating department names the target by entering it on a
list; every implementing department with a measure for that list gets a task with a due date
(`measures.feedback_wd`), records what it did, and the loop shows closed or open with overdue
flags. A voided entry tells every department that acted on it (韶山 第十五条, 方案 五（八）).

Every write is atomic, permission-checked and audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_label, actor_user_and_label, audit_identity
from pubcredit.accounts.models import ApiClient
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.text_input import clean_text
from pubcredit.core.workdays import database_calendar, deadline_after
from pubcredit.disclosure.services.query_log import query_log_write
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.lists.models import EntryState, ExitReason, ListEntry
from pubcredit.measures.models import (
    BusinessType,
    CheckOutcome,
    CreditCheck,
    Measure,
    MeasureCondition,
    MeasureTask,
    TaskState,
)
from pubcredit.measures.rules import feedback_days, green_channel, key_supervision, measures_applying
from pubcredit.measures.selectors import credit_facts, measure_facts, user_department, user_implements_for
from pubcredit.notices.services import notices_send, organisation_staff
from pubcredit.policy import get_policy
from pubcredit.subjects.models import Subject

TOPIC = "measure"


def _audit(actor: Actor, action: str, target: Any, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=target, data={**data, **extra})


# --- tasks from list entries ----------------------------------------------------------------------


def tasks_open_for_entry(entry: ListEntry) -> list[MeasureTask]:
    """One task per implementing department and measure of the entry's list type.

    Measures without a department (各有关部门) are shown in credit checks instead of queued.
    The due date is `measures.feedback_wd` working days after today (the pack names the article).
    """
    today = timezone.localdate()
    days, article = feedback_days(get_policy(on=today))
    due = deadline_after(today, days, source=database_calendar()).date if days is not None else today
    measures = Measure.objects.filter(
        active=True, condition=MeasureCondition.LISTED, list_types=entry.list_type, department__isnull=False
    ).select_related("department")
    tasks = [
        MeasureTask(entry=entry, measure=m, department=m.department, due_on=due, due_article=article[:100])
        for m in measures
        if m.department is not None
    ]
    created = MeasureTask.objects.bulk_create(tasks, ignore_conflicts=True)
    for department_id in sorted({t.department.pk for t in tasks}):
        notices_send(
            recipients=organisation_staff(department_id),
            topic=TOPIC,
            title=f"新的联合奖惩任务：{entry.subject.name}",
            body=(
                f"{entry.department.name}将“{entry.subject.name}”列入“{entry.list_type.name}”（{entry.number}），"
                f"请实施相应措施，并于 {due.isoformat()} 前反馈执行情况（{article}）。"
            ),
            link=reverse("measures:queue"),
        )
    return created


def tasks_close_for_entry(entry: ListEntry, reason: str) -> int:
    """An entry that left its list ends the open tasks; a voided one also restores the subject's
    reputation with every department that had acted or was asked to act on it."""
    cancelled = MeasureTask.objects.filter(entry=entry, state=TaskState.OPEN).update(state=TaskState.CANCELLED)
    if reason == ExitReason.WRONG_LISTING:
        restoration_send(entry)
    return cancelled


def restoration_send(entry: ListEntry) -> int:
    """Tell every department that applied a measure or ran a check that returned this entry that the
    listing was wrong and must be undone (韶山 第十五条, 元宝山方案 五（八）). Sent once per task and check."""
    now = timezone.now()
    told: set[int] = set()
    title = f"恢复信誉通知：{entry.subject.name}"
    body = (
        f"“{entry.subject.name}”被列入“{entry.list_type.name}”（{entry.number}）经核实系错误列入，已撤销。"
        f"据此采取的联合惩戒措施应予撤销，请积极采取措施恢复其信誉、消除不良影响。说明：{entry.exit_note}"
    )
    for task in MeasureTask.objects.filter(entry=entry, restoration_sent_at__isnull=True).exclude(
        state=TaskState.NOT_APPLICABLE
    ):
        told.add(task.department_id)
        task.restoration_sent_at = now
        task.save(update_fields=["restoration_sent_at"])
    checks = CreditCheck.objects.filter(restoration_sent_at__isnull=True, subject=entry.subject)
    for check in checks:
        if entry.pk in (check.entry_ids or []):
            told.add(check.organisation_id)
            check.restoration_sent_at = now
            check.save(update_fields=["restoration_sent_at"])
    for department_id in sorted(told):
        notices_send(
            recipients=organisation_staff(department_id),
            topic=TOPIC,
            title=title,
            body=body,
            link=reverse("measures:queue"),
        )
    audit_record(
        actor=None, action="measures.restoration", target=entry, data={"number": entry.number, "told": sorted(told)}
    )
    return len(told)


def _require_implementer(actor: Actor, task: MeasureTask) -> None:
    department_id = user_implements_for(actor)
    if department_id != task.department_id:
        raise PermissionDenied(f"“{actor_label(actor)}”不是该任务实施部门的工作人员，不能反馈措施任务 {task.pk}")


@transaction.atomic
def task_feedback(
    *, actor: Actor, task: MeasureTask, state: str, note: str, applied_on: dt.date | None = None
) -> MeasureTask:
    """The implementing department records what it did: applied (and when) or not applicable (why)."""
    task = MeasureTask.objects.select_for_update(of=("self",)).select_related("entry", "measure").get(pk=task.pk)
    _require_implementer(actor, task)
    if task.state != TaskState.OPEN:
        raise ValidationFailed(f"措施任务 {task.pk} 的状态为“{TaskState(task.state).label}”，不能再反馈", field="state")
    if state not in (TaskState.APPLIED, TaskState.NOT_APPLICABLE):
        raise ValidationFailed(f"反馈结果“{state}”无效，可选：已实施、不适用", field="state")
    text = clean_text(
        note,
        field="note",
        label="不适用的理由" if state == TaskState.NOT_APPLICABLE else "反馈说明",
        required=state == TaskState.NOT_APPLICABLE,
    )
    today = timezone.localdate()
    if state == TaskState.APPLIED:
        if applied_on is None:
            raise ValidationFailed("须填写实施日期", field="applied_on")
        if applied_on > today or applied_on < task.entry.starts_on:
            raise ValidationFailed(
                f"实施日期 {applied_on.isoformat()} 须在列入日期 {task.entry.starts_on.isoformat()} 与今天之间",
                field="applied_on",
            )
    elif applied_on is not None:
        raise ValidationFailed("不适用的任务不能填写实施日期", field="applied_on")
    user, label = actor_user_and_label(actor)
    task.state = state
    task.feedback = text
    task.applied_on = applied_on
    task.fed_back_at = timezone.now()
    task.fed_back_by = user
    task.fed_back_by_label = label
    task.save(update_fields=["state", "feedback", "applied_on", "fed_back_at", "fed_back_by", "fed_back_by_label"])
    _audit(
        actor,
        "measures.task.feedback",
        task,
        {"entry": task.entry.number, "measure": task.measure.code, "state": state, "late": task.due_on < today},
    )
    return task


def tasks_sweep(*, on: dt.date | None = None) -> int:
    """Flag open tasks past their due date (compare-and-swap on `overdue`, by the partial index);
    a second run finds nothing. The initiating department hears of each newly overdue task."""
    day = on or timezone.localdate()
    with transaction.atomic():
        due = list(
            MeasureTask.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=TaskState.OPEN, overdue=False, due_on__lt=day)
            .select_related("entry", "entry__subject", "department", "measure")[:10_000]
        )
        if not due:
            return 0
        flagged = MeasureTask.objects.filter(pk__in=[t.pk for t in due], overdue=False).update(overdue=True)
        by_initiator: dict[int, list[MeasureTask]] = {}
        for task in due:
            by_initiator.setdefault(task.entry.department_id, []).append(task)
        for department_id, tasks in sorted(by_initiator.items()):
            lines = "\n".join(
                f"- {t.entry.subject.name}（{t.entry.number}）：{t.department.name}·{t.measure.name}，时限 {t.due_on}"
                for t in tasks[:50]
            )
            notices_send(
                recipients=organisation_staff(department_id),
                topic=TOPIC,
                title=f"{len(tasks)} 项联合奖惩任务逾期未反馈",
                body=lines,
                link=reverse("measures:loops"),
            )
        audit_record(actor=None, action="measures.sweep", data={"on": day.isoformat(), "overdue": flagged})
        return flagged


# --- credit checks --------------------------------------------------------------------------------


def _new_number(today: dt.date) -> str:
    return f"HC{today:%Y%m%d}{secrets.token_hex(4).upper()}"


def check_result(subject: Subject, *, on: dt.date, business_type: str) -> dict[str, Any]:
    """What a check answers: lists, measures (mandatory first), the two flags with their reasons."""
    policy = get_policy(on=on)
    facts = credit_facts(subject.pk, on=on)
    good = green_channel(facts, policy)
    bad = key_supervision(facts)
    hits = measures_applying(facts, measure_facts(), policy, business_type=business_type)
    return {
        "lists": [
            {
                "number": e.number,
                "kind": e.kind,
                "list": e.list_name,
                "department": e.department,
                "until": e.ends_on.isoformat() if e.ends_on else None,
                "suspended": e.suspended,
            }
            for e in facts.entries
        ],
        "measures": [
            {
                "code": h.measure.code,
                "name": h.measure.name,
                "nature": h.measure.nature,
                "force": h.measure.force,
                "department": h.measure.department,
                "basis": h.measure.legal_basis,
                "because": h.because,
                "suspended": h.suspended,
            }
            for h in hits
        ],
        "green_channel": {"on": good.on, "reasons": list(good.reasons)},
        "key_supervision": {"on": bad.on, "reasons": list(bad.reasons)},
        "entry_ids": [e.entry_id for e in facts.entries],
    }


@transaction.atomic
def credit_check_run(
    *, actor: Actor, subject: Subject, business_type: str, business_reference: str = ""
) -> CreditCheck:
    """A department checks a subject inside its own procedure; the check is logged like a query."""
    department_id = user_department(actor)
    if department_id is None:
        raise PermissionDenied(
            f"“{actor_label(actor)}”不是政府部门（信息使用单位或提供单位）的工作人员，不能进行信用核查"
        )
    if business_type not in BusinessType.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in BusinessType.choices)
        raise ValidationFailed(f"业务类型“{str(business_type)[:30]}”无效，可选：{allowed}", field="business_type")
    reference = clean_text(business_reference, field="business_reference", label="业务编号", required=False)[:100]
    today = timezone.localdate()
    result = check_result(subject, on=today, business_type=business_type)
    user, label = actor_user_and_label(actor)
    for _ in range(3):
        try:
            with transaction.atomic():
                check = CreditCheck.objects.create(
                    number=_new_number(today),
                    organisation_id=department_id,
                    user=user,
                    api_client=actor if isinstance(actor, ApiClient) else None,
                    actor_label=label,
                    subject=subject,
                    business_type=business_type,
                    business_reference=reference,
                    checked_on=today,
                    result={k: v for k, v in result.items() if k != "entry_ids"},
                    entry_ids=result["entry_ids"],
                )
            break
        except IntegrityError:  # the random number collided; draw again
            continue
    else:
        raise ValidationFailed("核查编号生成失败，请重试", field="number")
    viewer = Viewer(
        kind=ViewerKind.CHECK,
        label=label,
        user_id=user.pk if user is not None else None,
        api_client_id=actor.pk if isinstance(actor, ApiClient) else None,
        organisation_id=department_id,
        purpose=f"{BusinessType(business_type).label}信用核查",
        basis=f"check:{check.number}",
    )
    query_log_write(viewer=viewer, subject=subject, item_codes=[])
    _audit(actor, "measures.check", check, {"number": check.number, "subject": subject.pk, "business": business_type})
    return check


@transaction.atomic
def check_feedback(
    *, actor: Actor, check: CreditCheck, outcome: str, measures: Sequence[str] = (), note: str = ""
) -> CreditCheck:
    """The department reports what it did with the check's result (反馈), once."""
    check = CreditCheck.objects.select_for_update(of=("self",)).get(pk=check.pk)
    if user_department(actor) != check.organisation_id:
        raise PermissionDenied(f"“{actor_label(actor)}”不是核查单位的工作人员，不能反馈核查 {check.number}")
    if check.outcome != CheckOutcome.PENDING:
        raise ValidationFailed(
            f"核查 {check.number} 已于 {timezone.localtime(check.fed_back_at):%Y-%m-%d %H:%M} 反馈", field="outcome"
        )
    if outcome not in (CheckOutcome.APPLIED, CheckOutcome.NOT_APPLIED):
        raise ValidationFailed(
            f"反馈结果“{str(outcome)[:30]}”无效，可选：applied（已实施）、not_applied（未实施）", field="outcome"
        )
    offered = {m["code"] for m in check.result.get("measures", [])}
    codes = list(dict.fromkeys(str(code) for code in measures))
    unknown = [code for code in codes if code not in offered]
    if unknown:
        raise ValidationFailed(f"措施“{unknown[0][:40]}”不在核查 {check.number} 给出的措施中", field="measures")
    if outcome == CheckOutcome.APPLIED and not codes:
        raise ValidationFailed("反馈“已实施”须列出实施的措施", field="measures")
    text = clean_text(
        note,
        field="note",
        label="未实施的理由" if outcome == CheckOutcome.NOT_APPLIED else "反馈说明",
        required=outcome == CheckOutcome.NOT_APPLIED,
    )
    check.outcome = outcome
    check.applied_measures = codes
    check.feedback = text
    check.fed_back_at = timezone.now()
    check.save(update_fields=["outcome", "applied_measures", "feedback", "fed_back_at"])
    _audit(actor, "measures.check.feedback", check, {"number": check.number, "outcome": outcome, "measures": codes})
    return check


def on_entry_entered(sender: Any, entry: ListEntry, **_: Any) -> None:
    if entry.state == EntryState.IN_FORCE:
        tasks_open_for_entry(entry)


def on_entry_left(sender: Any, entry: ListEntry, reason: str, **_: Any) -> None:
    tasks_close_for_entry(entry, reason)
