"""Subjects API: public search and basic information, and registration by providers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import ValidationError

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.errors import NotFound, ValidationFailed
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.schemas import SubjectPublicOut, SubjectRegisteredOut, SubjectRegisterIn
from pubcredit.subjects.selectors import subject_get, subject_search
from pubcredit.subjects.services import subject_get_or_register

router = Router(tags=["信用主体"])


def _public(subject: Subject) -> dict[str, Any]:
    return {
        "id": subject.pk,
        "kind": subject.kind,
        "kind_label": subject.get_kind_display(),
        "name": subject.name,
        "uscc": subject.uscc,
        "district": subject.district,
    }


@router.get("", response=list[SubjectPublicOut], summary="公开检索信用主体（组织）")
def search(request: HttpRequest, q: str = "", limit: int = 20) -> list[dict[str, Any]]:
    return [_public(subject) for subject in subject_search(q, limit=limit)]


@router.get("/{subject_id}", response=SubjectPublicOut, summary="信用主体基本信息（公开）")
def detail(request: HttpRequest, subject_id: int) -> dict[str, Any]:
    subject = subject_get(subject_id)
    if subject.kind != SubjectKind.ORG:
        # Persons' information is not public (西安 第十七条); do not even confirm they exist.
        raise NotFound(f"信用主体“{subject_id}”不存在")
    return _public(subject)


_PYDANTIC_MESSAGES = {
    "extra_forbidden": "不允许的字段“{field}”",
    "missing": "缺少必填字段“{field}”",
}


def _parse_body(request: HttpRequest) -> SubjectRegisterIn:
    """Parse here rather than by ninja so that refusals are 400 with a Chinese message and field."""
    try:
        payload = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationFailed("请求体不是有效的 JSON") from None
    if not isinstance(payload, dict):
        raise ValidationFailed("请求体应为 JSON 对象")
    try:
        return SubjectRegisterIn.model_validate(payload)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or None
        # The input value is not echoed: it may be an ID number.
        template = _PYDANTIC_MESSAGES.get(error["type"], "字段“{field}”的值类型不正确")
        raise ValidationFailed(template.format(field=field), field=field) from None


def _on_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"日期“{text}”格式不正确，应为 YYYY-MM-DD", field="on_date") from None


@router.post(
    "",
    response={200: SubjectRegisteredOut, 201: SubjectRegisteredOut},
    auth=SessionOrTokenAuth(scope="collect"),
    summary="登记信用主体（信用中心、信息提供单位；令牌需 collect 授权范围）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SubjectRegisterIn.model_json_schema()}},
        }
    },
)
def register(request: HttpRequest) -> Status[dict[str, Any]]:
    data = _parse_body(request)
    subject, created = subject_get_or_register(
        actor=request.auth,  # type: ignore[attr-defined]
        kind=data.kind,
        name=data.name,
        uscc=data.uscc,
        id_number=data.id_number,
        legacy=data.legacy,
        district=data.district,
        on_date=_on_date(data.on_date),
    )
    body = {
        **_public(subject),
        "uscc_legacy": subject.uscc_legacy,
        "id_number_masked": subject.id_number_masked,
        "created": created,
        "created_at": subject.created_at,
    }
    return Status(201 if created else 200, body)
