"""Batches API: providers' systems send records (token with the `collect` scope) and read reports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.collection.models import Batch, BatchStatus
from pubcredit.collection.schemas import BatchIn, BatchOut
from pubcredit.collection.selectors.batches import batch_get_visible, batches_visible_to
from pubcredit.collection.services.batches import batch_submit_file, batch_submit_rows, submitting_provider
from pubcredit.core.errors import ValidationFailed
from pubcredit.core.json_body import json_body_openapi, parse_json_body

router = Router(tags=["信息归集"])
_AUTH = SessionOrTokenAuth(scope="collect")


def batch_out(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "ref": batch.ref,
        "item": batch.item_code,
        "channel": batch.channel,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "rows_total": batch.rows_total,
        "rows_created": batch.rows_created,
        "rows_updated": batch.rows_updated,
        "rows_unchanged": batch.rows_unchanged,
        "rows_rejected": batch.rows_rejected,
        "problems_count": batch.problems_count,
        "problems": batch.problems,
        "content_sm3": batch.content_sm3,
        "received_at": batch.received_at,
        "seconds": batch.seconds,
    }


def _status(batch: Batch, replayed: bool) -> Status[dict[str, Any]]:
    if batch.status == BatchStatus.REJECTED:
        return Status(422, batch_out(batch))
    return Status(200 if replayed else 201, batch_out(batch))


@router.post(
    "",
    response={200: BatchOut, 201: BatchOut, 422: BatchOut},
    auth=_AUTH,
    summary="报送一批信用记录（JSON；整批入库或整批退回，partial=true 时合格记录入库）",
    openapi_extra=json_body_openapi(BatchIn),
)
def submit(request: HttpRequest) -> Status[dict[str, Any]]:
    data = parse_json_body(request.body, BatchIn)
    actor = request.auth  # type: ignore[attr-defined]
    provider = submitting_provider(actor)
    submitted = batch_submit_rows(
        actor=actor,
        provider=provider,
        item_code=data.item,
        rows=data.rows,
        ref=data.ref,
        partial=data.partial,
        default_tier=data.tier,
    )
    return _status(submitted.batch, submitted.replayed)


@router.post(
    "/file",
    response={200: BatchOut, 201: BatchOut, 422: BatchOut},
    auth=_AUTH,
    summary="上传 CSV/XLSX 文件报送一批信用记录（支持双公示标准列名）",
)
def submit_file(
    request: HttpRequest,
    file: File[UploadedFile],
    item: Form[str] = "",
    ref: Form[str] = "",
    partial: Form[bool] = False,
    tier: Form[str] = "",
) -> Status[dict[str, Any]]:
    # Checked here rather than by the form parser, whose 422 would not have the documented
    # (rejected batch) shape of this operation's 422.
    if not item.strip():
        raise ValidationFailed("须填写目录项编码（item）", field="item")
    actor = request.auth  # type: ignore[attr-defined]
    provider = submitting_provider(actor)
    submitted = batch_submit_file(
        actor=actor,
        provider=provider,
        item_code=item,
        stream=file.file,  # type: ignore[arg-type]
        file_name=file.name or "upload.csv",
        ref=ref,
        partial=partial,
        default_tier=tier or None,
    )
    return _status(submitted.batch, submitted.replayed)


@router.get("", response=list[BatchOut], auth=_AUTH, summary="本单位的报送批次（最近 100 批）")
def list_batches(request: HttpRequest) -> list[dict[str, Any]]:
    return [batch_out(b) for b in batches_visible_to(request.auth)[:100]]  # type: ignore[attr-defined]


@router.get("/{batch_id}", response=BatchOut, auth=_AUTH, summary="报送批次的结果与问题清单")
def detail(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return batch_out(batch_get_visible(request.auth, batch_id))  # type: ignore[attr-defined]
