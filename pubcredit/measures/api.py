"""API of joint rewards and sanctions: the measure list, departments' tasks, and credit checks
(信用核查) inside other departments' procedures (thin: the services do the work)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.errors import NotFound, PermissionDenied
from pubcredit.core.json_body import json_body_openapi, parse_json_body
from pubcredit.measures.models import CreditCheck, Measure, MeasureTask
from pubcredit.measures.schemas import CheckFeedbackIn, CheckIn, CheckOut, MeasureOut, TaskFeedbackIn, TaskOut
from pubcredit.measures.selectors import check_get, task_get, task_queue, user_department, user_implements_for
from pubcredit.measures.services import check_feedback, credit_check_run, task_feedback
from pubcredit.subjects.selectors import subject_find_by_id_number, subject_find_by_uscc

measures_router = Router(tags=["联合奖惩"])
checks_router = Router(tags=["信用核查"])
_AUTH = SessionOrTokenAuth(scope="check")
PAGE = 200


def check_out(check: CreditCheck) -> dict[str, Any]:
    result = check.result
    return {
        "number": check.number,
        "subject_name": check.subject.public_name,
        "subject_identifier": check.subject.display_identifier,
        "business_type": check.business_type,
        "checked_at": timezone.localtime(check.created_at),
        "lists": result.get("lists", []),
        "measures": result.get("measures", []),
        "green_channel": result.get("green_channel", {"on": False, "reasons": []}),
        "key_supervision": result.get("key_supervision", {"on": False, "reasons": []}),
        "outcome": check.outcome,
        "applied_measures": check.applied_measures,
        "feedback": check.feedback,
    }


def task_out(task: MeasureTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "entry": task.entry.number or str(task.entry_id),
        "list_name": task.entry.list_type.name,
        "subject_name": task.entry.subject.public_name,
        "subject_identifier": task.entry.subject.display_identifier,
        "measure": task.measure.code,
        "measure_name": task.measure.name,
        "force": task.measure.force,
        "department": task.department.name,
        "due_on": task.due_on,
        "overdue": task.overdue,
        "state": task.state,
        "applied_on": task.applied_on,
        "feedback": task.feedback,
    }


@checks_router.post(
    "",
    response={201: CheckOut},
    auth=_AUTH,
    summary="信用核查：主体的名单状态、适用措施（强制性在前）、绿色通道与重点监管标识，返回核查编号",
    openapi_extra=json_body_openapi(CheckIn),
)
def check_run(request: HttpRequest) -> Status[dict[str, Any]]:
    data = parse_json_body(request.body, CheckIn)
    if user_department(request.auth) is None:  # type: ignore[attr-defined]
        raise PermissionDenied("只有政府部门（信息使用单位或提供单位）可以进行信用核查")
    code = data.subject.strip().upper()
    subject = subject_find_by_uscc(code) or subject_find_by_id_number(code)
    if subject is None:
        raise NotFound("未找到该代码或号码对应的信用主体", field="subject")
    check = credit_check_run(
        actor=request.auth,  # type: ignore[attr-defined]
        subject=subject,
        business_type=data.business_type,
        business_reference=data.business_reference,
    )
    return Status(201, check_out(check))


@checks_router.get("/{number}", response=CheckOut, auth=_AUTH, summary="核查结果与反馈情况")
def check_read(request: HttpRequest, number: str) -> dict[str, Any]:
    return check_out(check_get(request.auth, number))  # type: ignore[attr-defined]


@checks_router.post(
    "/{number}/feedback",
    response=CheckOut,
    auth=_AUTH,
    summary="反馈核查结果的使用情况（已实施的措施，或未实施的理由）",
    openapi_extra=json_body_openapi(CheckFeedbackIn),
)
def check_feedback_post(request: HttpRequest, number: str) -> dict[str, Any]:
    data = parse_json_body(request.body, CheckFeedbackIn)
    actor = request.auth  # type: ignore[attr-defined]
    check = check_get(actor, number)
    return check_out(
        check_feedback(actor=actor, check=check, outcome=data.outcome, measures=data.measures, note=data.note)
    )


@measures_router.get("", response=list[MeasureOut], auth=_AUTH, summary="联合奖惩措施清单")
def catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    measures = Measure.objects.filter(active=True).select_related("department").prefetch_related("list_types")
    return [
        {
            "code": m.code,
            "name": m.name,
            "nature": m.nature,
            "force": m.force,
            "condition": m.condition,
            "list_types": [t.code for t in m.list_types.all()],
            "business_types": list(m.business_types or []),
            "department": m.department.name if m.department else "各有关部门",
            "legal_basis": m.legal_basis,
        }
        for m in measures
    ]


@measures_router.get("/tasks", response=list[TaskOut], auth=_AUTH, summary="本部门待反馈的联合奖惩任务")
def tasks(request: HttpRequest) -> list[dict[str, Any]]:
    actor = request.auth  # type: ignore[attr-defined]
    if user_implements_for(actor) is None:
        raise PermissionDenied("只有实施部门（信息提供单位或使用单位）可以查看联合奖惩任务")
    return [task_out(t) for t in task_queue(actor).order_by("due_on", "pk")[:PAGE]]


@measures_router.post(
    "/tasks/{task_id}/feedback",
    response=TaskOut,
    auth=_AUTH,
    summary="反馈联合奖惩任务的执行情况（已实施及日期，或不适用及理由）",
    openapi_extra=json_body_openapi(TaskFeedbackIn),
)
def task_feedback_post(request: HttpRequest, task_id: int) -> dict[str, Any]:
    data = parse_json_body(request.body, TaskFeedbackIn)
    actor = request.auth  # type: ignore[attr-defined]
    task = task_get(actor, task_id)
    return task_out(task_feedback(actor=actor, task=task, state=data.state, note=data.note, applied_on=data.applied_on))
