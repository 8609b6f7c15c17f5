"""API of the lists (thin: the services do the work)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from pubcredit.accounts.actors import actor_label
from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.json_body import json_body_openapi, parse_json_body
from pubcredit.lists.models import EntryState, ListEntry, ListType
from pubcredit.lists.schemas import EntryIn, EntryOut, ExitIn, VoidIn
from pubcredit.lists.selectors import list_entries_visible_to, list_entry_get, list_types_for, user_lists_for
from pubcredit.lists.services import list_entry_create, list_entry_exit, list_entry_void
from pubcredit.records.models import Record
from pubcredit.subjects.selectors import subject_find_by_id_number, subject_find_by_uscc

router = Router(tags=["红黑名单"])
_AUTH = SessionOrTokenAuth(scope="collect")
PAGE = 200


def entry_out(entry: ListEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "number": entry.number or "",
        "list_type": entry.list_type.code,
        "list_name": entry.list_type.name,
        "kind": entry.kind,
        "subject_name": entry.subject.public_name,
        "subject_identifier": entry.subject.display_identifier,
        "department": entry.department.name,
        "decision_number": entry.decision_number,
        "decided_on": entry.decided_on,
        "starts_on": entry.starts_on,
        "ends_on": entry.ends_on,
        "state": entry.state,
        "state_label": entry.get_state_display(),
        "exit_reason": entry.exit_reason,
        "exited_on": entry.exited_on,
    }


@router.get(
    "/entries", response=list[EntryOut], auth=_AUTH, summary="可见的名单条目（最近 200 条，可按类别和状态筛选）"
)
def entries(request: HttpRequest, kind: str = "", state: str = "") -> list[dict[str, Any]]:
    found = list_entries_visible_to(request.auth)  # type: ignore[attr-defined]
    if kind:
        found = found.filter(kind=kind[:8])
    if state:
        if state not in EntryState.values:
            raise ValidationFailed(f"状态“{state[:20]}”无效，可选：{'、'.join(EntryState.values)}", field="state")
        found = found.filter(state=state)
    return [entry_out(e) for e in found.order_by("-starts_on", "-id")[:PAGE]]


@router.post(
    "/entries",
    response={201: EntryOut},
    auth=_AUTH,
    summary="认定部门将主体列入名单（失信名单须附信用修复告知书：两书同达）",
    openapi_extra=json_body_openapi(EntryIn),
)
def create(request: HttpRequest) -> Status[dict[str, Any]]:
    data = parse_json_body(request.body, EntryIn)
    actor = request.auth  # type: ignore[attr-defined]
    if user_lists_for(actor) is None:
        raise PermissionDenied(f"“{actor_label(actor)}”不是信息提供单位的工作人员，不能认定名单")
    list_type = list_types_for(actor).filter(code=data.list_type).first()
    if list_type is None:
        known = ListType.objects.filter(code=data.list_type).exists()
        reason = "本部门不能认定该名单" if known else "不存在"
        raise ValidationFailed(f"名单类型“{data.list_type}”{reason}", field="list_type")
    code = data.subject.strip().upper()
    subject = subject_find_by_uscc(code) or subject_find_by_id_number(code)
    if subject is None:
        raise NotFound("未找到该代码或号码对应的信用主体", field="subject")
    records = list(Record.objects.filter(pk__in=data.records))
    missing = sorted(set(data.records) - {r.pk for r in records})
    if missing:
        raise ValidationFailed(f"信用记录 {missing[0]} 不存在", field="records")
    entry = list_entry_create(
        actor=actor,
        list_type=list_type,
        subject=subject,
        decision_number=data.decision_number,
        reason=data.reason,
        decided_on=data.decided_on,
        starts_on=data.starts_on,
        repair_notice=data.repair_notice,
        records=records,
    )
    return Status(201, entry_out(entry))


@router.get("/entries/{entry_id}", response=EntryOut, auth=_AUTH, summary="名单条目")
def detail(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    return entry_out(list_entry_get(request.auth, entry_id))  # type: ignore[attr-defined]


@router.post(
    "/entries/{entry_id}/exit",
    response=EntryOut,
    auth=_AUTH,
    summary="提前移出名单（信用修复、异议成立或撤销决定），记录原因",
    openapi_extra=json_body_openapi(ExitIn),
)
def exit_entry(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    data = parse_json_body(request.body, ExitIn)
    actor = request.auth  # type: ignore[attr-defined]
    entry = list_entry_get(actor, entry_id)
    return entry_out(
        list_entry_exit(actor=actor, entry=entry, reason=data.reason, note=data.note, reference=data.reference)
    )


@router.post(
    "/entries/{entry_id}/void",
    response=EntryOut,
    auth=_AUTH,
    summary="错误列入：撤销并通知据此采取措施的部门恢复信誉",
    openapi_extra=json_body_openapi(VoidIn),
)
def void_entry(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    data = parse_json_body(request.body, VoidIn)
    actor = request.auth  # type: ignore[attr-defined]
    entry = list_entry_get(actor, entry_id)
    return entry_out(list_entry_void(actor=actor, entry=entry, note=data.note))
