"""API of credit reports and their verification (thin: the selectors do the work)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from pubcredit.core.errors import NotFound, ValidationFailed
from pubcredit.reports.schemas import VerifyOut
from pubcredit.reports.selectors import report_verify

router = Router(tags=["信用报告"])
_HEX = set("0123456789abcdef")


@router.get(
    "/verify/{number}",
    response=VerifyOut,
    auth=None,
    summary="核验信用报告：编号、主体（自然人脱敏）、生成时间、SM3 摘要、是否已被替代；可附 sm3 核对文件",
)
def verify(request: HttpRequest, number: str, sm3: str | None = None) -> dict[str, Any]:
    digest = None
    if sm3 is not None:
        digest = sm3.strip().lower()
        if len(digest) != 64 or not set(digest) <= _HEX:
            raise ValidationFailed(f"SM3 摘要“{sm3[:70]}”格式不正确：应为 64 位十六进制字符", field="sm3")
    verification = report_verify(number, sm3=digest)
    report = verification.report
    if report is None:
        raise NotFound(f"未找到编号为“{number[:40]}”的信用报告", field="number")
    newer = verification.superseded_by
    return {
        "number": report.number,
        "found": True,
        "subject_name": report.subject.public_name,
        "subject_identifier": report.subject.display_identifier,
        "kind": report.kind,
        "kind_label": report.get_kind_display(),
        "span_from": report.span_from,
        "span_to": report.span_to,
        "generated_at": report.generated_at,
        "sm3": report.sha,
        "superseded": newer is not None,
        "superseded_by": newer.number if newer else None,
        "superseded_at": newer.generated_at if newer else None,
        "matches": verification.matches,
        "certificate_url": reverse("reports:certificate"),
    }
