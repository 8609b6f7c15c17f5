"""API of the objections workflow (thin: the services do the work)."""

from __future__ import annotations

import base64
import binascii
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from ninja import Router, Status

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.errors import NotFound, ValidationFailed
from pubcredit.objections.evidence import MAX_BYTES, MAX_FILES
from pubcredit.objections.models import Objection
from pubcredit.objections.schemas import AnswerIn, EvidenceIn, ObjectionIn, ObjectionOut
from pubcredit.objections.selectors import objection_get, objection_items
from pubcredit.objections.services import objection_answer, objection_file
from pubcredit.records.models import Record

router = Router(tags=["异议处理"])


def _out(objection: Objection) -> dict[str, Any]:
    return {
        "id": objection.pk,
        "number": objection.number,
        "state": objection.state,
        "state_label": objection.get_state_display(),
        "ground": objection.ground,
        "channel": objection.channel,
        "pack": objection.pack,
        "received_on": objection.received_on,
        "due_on": objection.due_on,
        "check_due_on": objection.check_due_on,
        "forward_due_on": objection.forward_due_on,
        "total_due_on": objection.total_due_on,
        "notice_due_on": objection.notice_due_on,
        "review_due_on": objection.review_due_on,
        "closed_on": objection.closed_on,
        "overdue": objection.overdue,
        "escalated": objection.escalated,
        "items": [
            {
                "id": item.pk,
                "record_id": item.record_id,
                "item_code": item.item_code,
                "state": item.state,
                "forwarded_on": item.forwarded_on,
                "provider_due_on": item.provider_due_on,
                "overdue": item.overdue,
                "result": item.result,
                "reason": item.reason,
                "answered_on": item.answered_on,
            }
            for item in objection_items(objection)
        ],
    }


def _files(evidence: list[EvidenceIn]) -> list[SimpleUploadedFile]:
    if len(evidence) > MAX_FILES:
        raise ValidationFailed(f"证明材料最多 {MAX_FILES} 个文件，收到 {len(evidence)} 个", field="evidence")
    files: list[SimpleUploadedFile] = []
    for position, item in enumerate(evidence, start=1):
        if len(item.content_base64) > (MAX_BYTES * 4) // 3 + 4:
            limit = MAX_BYTES // (1024 * 1024)
            raise ValidationFailed(f"证明材料“{item.file_name[:60]}”超过 {limit} MB", field="evidence")
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(f"第 {position} 个证明材料的内容不是有效的 Base64", field="evidence") from None
        name = PurePath(item.file_name.replace("\\", "/")).name.strip()
        if name in ("", ".", "..") or "\x00" in name:
            raise ValidationFailed(f"第 {position} 个证明材料没有有效的文件名", field="evidence")
        files.append(SimpleUploadedFile(name, content))
    return files


@router.post(
    "",
    response={201: ObjectionOut},
    auth=SessionOrTokenAuth(scope="query"),
    summary="信用主体对本主体的信用记录提出异议",
)
def objection_create(request: HttpRequest, payload: ObjectionIn) -> Status:
    records = list(Record.objects.filter(pk__in=payload.records))
    known = {record.pk for record in records}
    # Unknown ids reach the service as empty records so that its message names them.
    ordered = [next(r for r in records if r.pk == pk) if pk in known else Record(pk=pk) for pk in payload.records]
    objection = objection_file(
        actor=request.auth,  # type: ignore[attr-defined]
        records=ordered,
        ground=payload.ground,
        statement=payload.statement,
        by_agent=payload.by_agent,
        authorisation_ref=payload.authorisation_ref,
        evidence=_files(payload.evidence),
    )
    return Status(201, _out(objection))


@router.get(
    "/{objection_id}", response=ObjectionOut, auth=SessionOrTokenAuth(scope="query"), summary="异议申请的办理情况"
)
def objection_read(request: HttpRequest, objection_id: int) -> dict[str, Any]:
    return _out(objection_get(request.auth, objection_id))  # type: ignore[attr-defined]


@router.post(
    "/{objection_id}/items/{item_id}/answer",
    response=ObjectionOut,
    auth=SessionOrTokenAuth(scope="collect"),
    summary="信息提供单位答复异议核查结果（更正 / 核实无误 / 无法核实）",
)
def objection_item_answer(request: HttpRequest, objection_id: int, item_id: int, payload: AnswerIn) -> dict[str, Any]:
    objection = objection_get(request.auth, objection_id)  # type: ignore[attr-defined]
    item = next((i for i in objection_items(objection) if i.pk == item_id), None)
    if item is None:
        raise NotFound(f"异议 {objection.number} 没有信息项 {item_id}")
    objection_answer(
        actor=request.auth,  # type: ignore[attr-defined]
        objection=objection,
        item=item,
        answer=payload.answer,
        reason=payload.reason,
        data=payload.data,
    )
    objection.refresh_from_db()
    return _out(objection)
