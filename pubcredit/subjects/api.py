"""Subjects API: public search and basic information, and registration by providers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.errors import NotFound, ValidationFailed
from pubcredit.core.json_body import parse_json_body
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.ratelimit import search_rate_check
from pubcredit.subjects.schemas import RateLimitedOut, SubjectPublicOut, SubjectRegisteredOut, SubjectRegisterIn
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


@router.get(
    "",
    response={200: list[SubjectPublicOut], 429: RateLimitedOut},
    summary="公开检索信用主体（按名称关键字或统一社会信用代码；按访问者限制频率）",
)
def search(request: HttpRequest, response: HttpResponse, q: str = "", limit: int = 20) -> Status[Any]:
    decision = search_rate_check(request)
    if not decision.allowed:
        response["Retry-After"] = str(decision.retry_after)
        return Status(429, {"code": "rate_limited", "message": decision.message, "retry_after": decision.retry_after})
    if "\x00" in q:  # as the portal's form does; PostgreSQL refuses NUL in a text parameter
        raise ValidationFailed("检索词含有空字符（NUL），请重新输入", field="q")
    # A person (only where the pack makes persons public) is answered with the masked name.
    return Status(200, [{**_public(s), "name": s.public_name} for s in subject_search(q, limit=limit)])


@router.get("/{subject_id}", response=SubjectPublicOut, summary="信用主体基本信息（公开）")
def detail(request: HttpRequest, subject_id: int) -> dict[str, Any]:
    subject = subject_get(subject_id)
    if subject.kind != SubjectKind.ORG:
        # Persons' information is not public (西安 第十七条); do not even confirm they exist.
        raise NotFound(f"信用主体“{subject_id}”不存在")
    return _public(subject)


def _parse_body(request: HttpRequest) -> SubjectRegisterIn:
    return parse_json_body(request.body, SubjectRegisterIn)


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
