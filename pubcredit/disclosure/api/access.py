"""Authorised queries (token scope `query`) and government sharing (token scope `share`).

Thin: bodies parsed by `parse_json_body`, the work done by the services, records shaped from
what `records_disclosed` decided. Refusals are 403 with a Chinese message and a code naming the
reason (forged, expired, beyond_purpose, passing_on, ...); the services have logged them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from pubcredit.accounts.auth import ApiTokenAuth
from pubcredit.core.errors import NotFound
from pubcredit.core.json_body import parse_json_body
from pubcredit.disclosure.api.access_schemas import (
    AuthorisedAnswerOut,
    AuthorisedQueryIn,
    SharingAnswerOut,
    SharingBatchIn,
    SharingQueryIn,
)
from pubcredit.disclosure.selectors.records import Disclosed
from pubcredit.disclosure.services.access_parties import find_subject
from pubcredit.disclosure.services.authorisations import authorised_query
from pubcredit.disclosure.services.sharing import BATCH_MAX_SUBJECTS, SharingAnswer, sharing_query
from pubcredit.subjects.models import Subject

authorised_router = Router(tags=["授权查询"])
sharing_router = Router(tags=["政务共享"])


def _body_doc(schema: type[Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema.model_json_schema()}}}}


def record_out(disclosed: Disclosed) -> dict[str, Any]:
    record = disclosed.record
    return {
        "id": record.pk,
        "item_code": record.item_code,
        "item_name": record.item.name,
        "kind": record.kind,
        "info_class": record.info_class,
        "tier": record.tier,
        "decided_on": record.decided_on,
        "end_date": record.end_date,
        "source_ref": record.source_ref,
        "data": record.data,
        "annotations": list(disclosed.decision.annotations),
    }


def subject_out(subject: Subject, disclosed: list[Disclosed]) -> dict[str, Any]:
    return {
        "subject_id": subject.pk,
        "kind": subject.kind,
        "name": subject.name,
        "identifier": subject.display_identifier,
        "records": [record_out(d) for d in disclosed],
    }


def _sharing_out(answer: SharingAnswer) -> dict[str, Any]:
    return {
        "agreement_id": answer.agreement.pk,
        "items": sorted(answer.items),
        "subjects": [subject_out(shared.subject, shared.disclosed) for shared in answer.subjects],
        "not_found": answer.not_found,
    }


def _subject(uscc: str | None, id_number: str | None) -> Subject:
    subject = find_subject(uscc=uscc, id_number=id_number)
    if subject is None:
        raise NotFound("未找到该信息主体，请核对统一社会信用代码或身份证号码", field="uscc" if uscc else "id_number")
    return subject


@authorised_router.post(
    "",
    response=AuthorisedAnswerOut,
    auth=ApiTokenAuth(scope="query"),
    summary="授权查询：凭信息主体的授权查询其授权事项（令牌需 query 授权范围）",
    openapi_extra=_body_doc(AuthorisedQueryIn),
)
def authorised_query_view(request: HttpRequest) -> dict[str, Any]:
    data = parse_json_body(request.body, AuthorisedQueryIn)
    subject = _subject(data.uscc, data.id_number)
    answer = authorised_query(
        actor=request.auth,  # type: ignore[attr-defined]
        subject=subject,
        authorisation_id=data.authorisation_id,
        purpose=data.purpose,
        items=data.items,
        provide_to=data.provide_to,
        confirm_charge=data.confirm_charge,
    )
    return {
        "authorisation_id": answer.authorisation.pk,
        "purpose": answer.authorisation.purpose,
        "items": sorted(answer.items),
        "query_log_id": answer.log_entry.pk,
        "subject": subject_out(subject, answer.disclosed),
    }


@sharing_router.post(
    "/query",
    response=SharingAnswerOut,
    auth=ApiTokenAuth(scope="share"),
    summary="政务共享：按共享协议查询一个信息主体的约定事项（令牌需 share 授权范围）",
    openapi_extra=_body_doc(SharingQueryIn),
)
def sharing_query_view(request: HttpRequest) -> dict[str, Any]:
    data = parse_json_body(request.body, SharingQueryIn)
    subject = _subject(data.uscc, data.id_number)
    answer = sharing_query(
        actor=request.auth,  # type: ignore[attr-defined]
        agreement_id=data.agreement_id,
        usccs=[subject.uscc or ""] if data.uscc else [],
        id_numbers=[data.id_number or ""] if data.id_number else [],
        purpose=data.purpose,
        provide_to=data.provide_to,
    )
    return _sharing_out(answer)


@sharing_router.post(
    "/batch",
    response=SharingAnswerOut,
    auth=ApiTokenAuth(scope="share"),
    summary=f"政务共享批量查询：一次最多 {BATCH_MAX_SUBJECTS} 个信息主体，只返回协议约定的事项",
    openapi_extra=_body_doc(SharingBatchIn),
)
def sharing_batch_view(request: HttpRequest) -> dict[str, Any]:
    data = parse_json_body(request.body, SharingBatchIn)
    answer = sharing_query(
        actor=request.auth,  # type: ignore[attr-defined]
        agreement_id=data.agreement_id,
        usccs=data.usccs,
        id_numbers=data.id_numbers,
        purpose=data.purpose,
        provide_to=data.provide_to,
    )
    return _sharing_out(answer)
