"""The provider assessment pages: the table with period and district selectors, the PDF and XLSX
downloads of the same figures, and the archive register of the downloaded files. Thin: the
request's period and district are parsed by `assessment`, the figures read from the tallies, the
files made, archived and audited by `assessment_render` and `archive`.

Only operators and the authority open the assessment and its downloads (`statistics_visible_to`);
they and auditors open the archive (`statistical_archive_visible_to`: the register is kept for
inspection). Anyone else signed in gets 403, the public the login page.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pubcredit.core.downloads import private_download
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.statistics.archive import NOT_ALLOWED as ARCHIVE_NOT_ALLOWED
from pubcredit.statistics.archive import (
    ArchiveFileMissing,
    ArchiveTampered,
    statistical_archive_visible_to,
    statistical_report_content_type,
    statistical_report_file_name,
    statistical_report_open,
    statistical_reports_list,
)
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
ARCHIVE_PAGE_SIZE = 50


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
    except (ArchiveTampered, ArchiveFileMissing) as exc:
        return _archive_refusal(request, exc)
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


# --- the archive register --------------------------------------------------------------------


def _archive_refusal(request: HttpRequest, exc: ArchiveTampered | ArchiveFileMissing) -> HttpResponse:
    """An archived file that is missing (404) or no longer matches its digest (409): said in
    Chinese, never served; the service has already audited it."""
    status = 409 if isinstance(exc, ArchiveTampered) else 404
    return render(request, "statistics/assessment_archive_error.html", {"error": exc.message}, status=status)


@require_GET
@login_required
def assessment_archive(request: HttpRequest) -> HttpResponse:
    """The register of downloaded assessment files, newest first, optionally of one period."""
    if not statistical_archive_visible_to(request.user):
        raise DjangoPermissionDenied(ARCHIVE_NOT_ALLOWED)
    text = request.GET.get("period", "").strip()
    error = ""
    period = ""
    if text:
        try:
            period = parse_period(text, today=timezone.localdate()).code
        except ValidationFailed as exc:
            error = exc.message
    page = None
    if not error:
        page = Paginator(statistical_reports_list(request.user, period=period), ARCHIVE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    context: dict[str, Any] = {
        "page": page,
        "error": error,
        "period_value": text[:20],
        "period_help": PERIOD_HELP,
        "query": urlencode({"period": period}) if period else "",
        "makes_reports": statistics_visible_to(request.user),
    }
    return render(request, "statistics/assessment_archive.html", context, status=400 if error else 200)


@never_cache
@require_GET
@login_required
def assessment_archive_file(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """One archived file, checked against its SM3 digest and audited."""
    try:
        archived = statistical_report_open(actor=request.user, report_id=pk)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except (ArchiveTampered, ArchiveFileMissing) as exc:
        return _archive_refusal(request, exc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    report = archived.report
    return private_download(
        io.BytesIO(archived.content),
        filename=statistical_report_file_name(report),
        content_type=statistical_report_content_type(report),
    )
