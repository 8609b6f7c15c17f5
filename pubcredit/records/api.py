"""Records API: the providing department corrects or withdraws its own records (谁产生、谁负责)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.errors import NotFound, ValidationFailed
from pubcredit.records.models import Record
from pubcredit.records.services import UNSET, record_correct, record_withdraw

router = Router(tags=["信用记录"])
_AUTH = SessionOrTokenAuth(scope="collect")


class CorrectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="更正原因")
    data: dict[str, Any] | None = Field(None, description="更正后的完整内容（字段: 值）；不改内容时省略")
    decided_on: dt.date | None = None
    end_date: dt.date | None = None
    tier: str | None = None


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="撤回原因")


class RecordChangedOut(Schema):
    id: int
    version: int
    status: str
    status_label: str


def _record(record_id: int) -> Record:
    record = Record.objects.filter(pk=record_id).first()
    if record is None:
        raise NotFound(f"信用记录“{record_id}”不存在")
    return record


def _out(record: Record) -> dict[str, Any]:
    return {
        "id": record.pk,
        "version": record.version,
        "status": record.status,
        "status_label": record.get_status_display(),
    }


@router.post("/{record_id}/correct", response=RecordChangedOut, auth=_AUTH, summary="更正本单位报送的信用记录")
def correct(request: HttpRequest, record_id: int, body: CorrectIn) -> dict[str, Any]:
    fields = body.model_fields_set
    if not fields - {"reason"}:
        raise ValidationFailed("更正须至少提供一项更正内容（data、decided_on、end_date 或 tier）", field="data")
    record = record_correct(
        actor=request.auth,  # type: ignore[attr-defined]
        record=_record(record_id),
        reason=body.reason,
        data=body.data if "data" in fields and body.data is not None else UNSET,
        decided_on=body.decided_on if "decided_on" in fields and body.decided_on is not None else UNSET,
        end_date=body.end_date if "end_date" in fields else UNSET,
        tier=body.tier if "tier" in fields else UNSET,
    )
    return _out(record)


@router.post("/{record_id}/withdraw", response=RecordChangedOut, auth=_AUTH, summary="撤回本单位报送的信用记录")
def withdraw(request: HttpRequest, record_id: int, body: WithdrawIn) -> dict[str, Any]:
    record = record_withdraw(actor=request.auth, record=_record(record_id), reason=body.reason)  # type: ignore[attr-defined]
    return _out(record)
