"""The provider assessment pages: the table with period and district selectors, and the PDF and
XLSX downloads of the same figures. Thin: the request's period and district are parsed by
`assessment`, the figures read from the tallies, the files made and audited by
`assessment_render`. Only operators and the authority may open them (`statistics_visible_to`);
anyone else signed in gets 403, the public the login page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.statistics.assessment import (
    PERIOD_HELP,
    Assessment,
    assessment_build,
    default_period,
    parse_district,
    parse_period,
)
from pubcredit.statistics.assessment_render import assessment_download
from pubcredit.statistics.selectors import districts, statistics_visible_to

NOT_ALLOWED = "只有信用中心和主管部门可以查看考核情况"


def _require_staff(request: HttpRequest) -> None:
    if not statistics_visible_to(request.user):
        raise DjangoPermissionDenied(NOT_ALLOWED)


def _build(request: HttpRequest, known: list[str]) -> Assessment:
    """The report the query asks for; `ValidationFailed` names a bad period or district."""
    today = timezone.localdate()
    period = parse_period(request.GET.get("period"), today=today)
    district = parse_district(request.GET.get("district"), known=known)
    return assessment_build(period=period, district=district, now=timezone.now(), today=today)


def _page(request: HttpRequest, *, assessment: Assessment | None, error: str, known: list[str]) -> HttpResponse:
    today = timezone.localdate()
    query = {"period": assessment.period.code} if assessment else {}
    if assessment and assessment.district:
        query["district"] = assessment.district
    context: dict[str, Any] = {
        "a": assessment,
        "error": error,
        "period_value": request.GET.get("period", "").strip()[:20] or default_period(today).code,
        "period_help": PERIOD_HELP,
        "district_value": request.GET.get("district", ""),
        "districts": known,
        "query": urlencode(query),
        "rollup_at": timezone.localtime(assessment.rollup.finished_at) if assessment and assessment.rollup else None,
        "generated_at": timezone.localtime(assessment.generated_at) if assessment else None,
    }
    return render(request, "statistics/assessment.html", context, status=400 if error else 200)


@require_GET
@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    known = districts()
    try:
        report = _build(request, known)
    except ValidationFailed as exc:
        return _page(request, assessment=None, error=exc.message, known=known)
    return _page(request, assessment=report, error="", known=known)


def _download(request: HttpRequest, file_format: str) -> HttpResponse:
    _require_staff(request)
    known = districts()
    try:
        report = _build(request, known)
    except ValidationFailed as exc:
        return _page(request, assessment=None, error=exc.message, known=known)
    try:
        download = assessment_download(actor=request.user, assessment=report, file_format=file_format)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def assessment_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@require_GET
@login_required
def assessment_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")
