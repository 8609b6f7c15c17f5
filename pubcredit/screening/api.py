"""API of the screening app (thin: the services do the work).

POST a CSV/XLSX list (multipart) -> the job; GET the job with its progress and a page of
results; GET the results as XLSX; POST a false-match mark; DELETE a mark (undo).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from pubcredit.accounts.auth import SessionOrTokenAuth
from pubcredit.core.downloads import XLSX_CONTENT_TYPE
from pubcredit.core.errors import ValidationFailed
from pubcredit.core.json_body import parse_json_body
from pubcredit.screening.export import build_xlsx
from pubcredit.screening.models import FalseMatch, ScreeningJob
from pubcredit.screening.schemas import FalseMatchIn, FalseMatchOut, JobDetailOut, JobOut
from pubcredit.screening.selectors import (
    false_marks_for,
    false_match_get,
    row_view,
    screening_get,
    screening_rows,
)
from pubcredit.screening.services import false_match_mark, false_match_undo, screening_submit

router = Router(tags=["批量筛查"])
_AUTH = SessionOrTokenAuth(scope="check")
MAX_PAGE_SIZE = 500


def job_out(job: ScreeningJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "file_name": job.file_name,
        "business_type": job.business_type,
        "state": job.state,
        "state_label": job.get_state_display(),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "matched_rows": job.matched_rows,
        "percent": job.percent,
        "error": job.error,
        "screened_on": job.screened_on,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def mark_out(mark: FalseMatch) -> dict[str, Any]:
    return {
        "id": mark.pk,
        "subject_id": mark.subject_id,
        "input_label": mark.input_label,
        "marked_by": mark.marked_by_label,
        "marked_at": mark.marked_at,
        "undone_at": mark.undone_at,
    }


@router.post(
    "",
    response={201: JobOut},
    auth=_AUTH,
    summary="提交批量筛查名单（multipart：file 为 CSV 或 XLSX，business_type 选填）",
)
def submit(request: HttpRequest, file: File[UploadedFile], business_type: Form[str] = "") -> Status[dict[str, Any]]:
    content = file.read()
    job = screening_submit(
        actor=request.auth,  # type: ignore[attr-defined]
        file_name=file.name or "",
        content=content,
        business_type=business_type,
    )
    return Status(201, job_out(job))


@router.get("/{job_id}", response=JobDetailOut, auth=_AUTH, summary="批量筛查任务的进度和结果（分页）")
def detail(request: HttpRequest, job_id: int, page: int = 1, page_size: int = 100) -> dict[str, Any]:
    job = screening_get(request.auth, job_id)  # type: ignore[attr-defined]
    if page < 1:
        raise ValidationFailed(f"页码 {page} 无效，须为正整数", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"每页条数 {page_size} 无效，须在 1 到 {MAX_PAGE_SIZE} 之间", field="page_size")
    rows = list(screening_rows(job)[(page - 1) * page_size : page * page_size])
    marks = false_marks_for(job, rows)
    return {**job_out(job), "page": page, "page_size": page_size, "results": [row_view(r, marks) for r in rows]}


@router.get("/{job_id}/xlsx", auth=_AUTH, summary="下载批量筛查结果（XLSX）")
def download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = screening_get(request.auth, job_id)  # type: ignore[attr-defined]
    return xlsx_response(job)


def xlsx_response(job: ScreeningJob) -> HttpResponse:
    rows = list(screening_rows(job))
    hidden = set(false_marks_for(job, rows))
    response = HttpResponse(
        build_xlsx(job, rows, hidden=hidden),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="screening-{job.pk}.xlsx"'
    return response


@router.post(
    "/{job_id}/false-matches",
    response={201: FalseMatchOut},
    auth=_AUTH,
    summary="标记误匹配（row_number、subject_id）：该输入与该主体不再向本单位提示",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": FalseMatchIn.model_json_schema()}}}
    },
)
def mark(request: HttpRequest, job_id: int) -> Status[dict[str, Any]]:
    data = parse_json_body(request.body, FalseMatchIn)
    actor = request.auth  # type: ignore[attr-defined]
    job = screening_get(actor, job_id)
    created = false_match_mark(actor=actor, job=job, row_number=data.row_number, subject_id=data.subject_id)
    return Status(201, mark_out(created))


@router.delete("/false-matches/{mark_id}", response=FalseMatchOut, auth=_AUTH, summary="撤销误匹配标记")
def unmark(request: HttpRequest, mark_id: int) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    return mark_out(false_match_undo(actor=actor, mark=false_match_get(actor, mark_id)))
