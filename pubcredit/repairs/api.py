"""API of the repairs workflow (thin: the services do the work)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.json_body import json_body_openapi, parse_json_body
from pubcredit.repairs.models import RepairApplication
from pubcredit.repairs.schemas import DecisionIn, IneligibleOut, RepairOut
from pubcredit.repairs.selectors import own_record_get, repair_get, repair_proofs, user_applies_for
from pubcredit.repairs.services import RepairIneligible, repair_apply, repair_decide

router = Router(tags=["信用修复"])
_AUTH = SessionOrTokenAuth(scope="collect")


def repair_out(application: RepairApplication) -> dict[str, Any]:
    return {
        "id": application.pk,
        "number": application.number or "",
        "record": application.record_id,
        "item": application.record.item_code,
        "provider": application.provider_id,
        "state": application.state,
        "state_label": application.get_state_display(),
        "received_on": application.received_on,
        "decision_due_on": application.decision_due_on,
        "decision_due_provisional": application.decision_due_provisional,
        "decision_due_basis": application.decision_due_basis,
        "overdue": application.overdue,
        "intentional": application.intentional,
        "commitment_signed_at": application.commitment_signed_at,
        "decided_at": application.decided_at,
        "reason": application.reason,
        "proofs": [proof.file_name for proof in repair_proofs(application)],
    }


def _intentional(text: str) -> bool | None:
    value = text.strip().lower()
    if value in ("", "none"):
        return None
    if value in ("true", "1", "yes", "是"):
        return True
    if value in ("false", "0", "no", "否"):
        return False
    raise ValidationFailed(f"主观故意声明“{text[:20]}”无效，可填 true 或 false", field="intentional")


@router.post(
    "",
    response={201: RepairOut, 400: IneligibleOut},
    auth=_AUTH,
    summary="信息主体申请信用修复（multipart：记录编号、申请理由、证明材料、信用承诺）",
)
def apply(
    request: HttpRequest,
    record: Form[int],
    ground: Form[str],
    commitment_signed: Form[bool] = False,
    intentional: Form[str] = "",
    proofs: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    actor = request.auth  # type: ignore[attr-defined]
    if user_applies_for(actor) is None:
        raise PermissionDenied("只有信用主体账号可以申请信用修复")
    target = own_record_get(actor, record)
    try:
        application = repair_apply(
            actor=actor,
            record=target,
            ground=ground,
            commitment_signed=commitment_signed,
            intentional=_intentional(intentional),
            proofs=list(proofs or []),
        )
    except RepairIneligible as exc:
        return Status(
            400,
            {
                "code": exc.code,
                "message": exc.message,
                "field": exc.field,
                "reasons": list(exc.eligibility.reasons),
                "eligible_from": exc.eligibility.eligible_from,
            },
        )
    return Status(201, repair_out(application))


@router.get("/{application_id}", response=RepairOut, auth=_AUTH, summary="信用修复申请的办理情况")
def detail(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return repair_out(repair_get(request.auth, application_id))  # type: ignore[attr-defined]


@router.post(
    "/{application_id}/decision",
    response=RepairOut,
    auth=_AUTH,
    summary="作出失信认定的信息提供单位决定是否修复（accept、reason；不予修复须说明理由）",
    openapi_extra=json_body_openapi(DecisionIn),
)
def decide(request: HttpRequest, application_id: int) -> dict[str, Any]:
    data = parse_json_body(request.body, DecisionIn)
    actor = request.auth  # type: ignore[attr-defined]
    application = repair_get(actor, application_id)
    decided = repair_decide(actor=actor, application=application, accept=data.accept, reason=data.reason)
    return repair_out(decided)
