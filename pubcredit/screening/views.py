"""Screening pages: the organisation's jobs with the upload form, a job's progress and results,
the XLSX download, and the false-match buttons. Thin: forms in, services and selectors out. A
job someone may not see answers 404, so that ids reveal nothing; a page for a role the user does
not hold answers 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.screening.api import xlsx_response
from pubcredit.screening.models import ScreeningJob
from pubcredit.screening.reader import MAX_FILE_BYTES, MAX_ROWS
from pubcredit.screening.selectors import (
    false_marks_for,
    false_match_get,
    row_view,
    screening_get,
    screening_rows,
    screenings_of_organisation,
    user_may_mark,
    user_may_screen,
    user_oversees_screenings,
)
from pubcredit.screening.services import INLINE_ROWS, false_match_mark, false_match_undo, screening_submit
from pubcredit.screening.standing import BUSINESS_TYPE_CHOICES, business_type_label

PAGE_ROWS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label="名单文件（CSV 或 XLSX）",
        help_text=(
            f"须含“名称”（或单位名称、企业名称、主体名称）、“统一社会信用代码”或“身份证号码”列；"
            f"最多 {MAX_ROWS} 行、{MAX_FILE_BYTES // (1024 * 1024)} MB；"
            f"{INLINE_ROWS} 行以内立即出结果，更多的排队处理。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,.tsv"}),
    )
    business_type = forms.ChoiceField(
        label="业务类型（选填，用于列出适用的措施）", choices=[("", "不限"), *BUSINESS_TYPE_CHOICES], required=False
    )


def _job_or_404(request: HttpRequest, pk: int) -> ScreeningJob:
    try:
        return screening_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET", "POST"])
@login_required
def index(request: HttpRequest) -> HttpResponse:
    may_screen = user_may_screen(request.user)
    if not may_screen and not user_oversees_screenings(request.user):
        raise DjangoPermissionDenied("只有信息使用单位、信用中心和审计监督人员可以使用批量筛查")
    status = 200
    if request.method == "POST":
        if not may_screen:
            raise DjangoPermissionDenied("只有信息使用单位和信用中心可以提交批量筛查")
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = screening_submit(
                    actor=request.user,
                    file_name=upload.name,
                    content=upload.read(),
                    business_type=form.cleaned_data.get("business_type"),
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except ValidationFailed as exc:
                form.add_error("file" if exc.field in (None, "file") else None, exc.message)
            else:
                if job.finished:
                    messages.success(request, f"已完成筛查：共 {job.processed_rows} 行，匹配 {job.matched_rows} 行。")
                else:
                    messages.success(request, "名单已提交，正在排队处理，本页会自动显示进度。")
                return redirect("screening:detail", pk=job.pk)
        status = 400
    else:
        form = UploadForm()
    context: dict[str, Any] = {
        "form": form if may_screen else None,
        "jobs": screenings_of_organisation(request.user),
        "oversight": user_oversees_screenings(request.user),
    }
    return render(request, "screening/index.html", context, status=status)


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows = list(screening_rows(job)[(page - 1) * PAGE_ROWS : page * PAGE_ROWS])
    marks = false_marks_for(job, rows)
    context: dict[str, Any] = {
        "job": job,
        "business_type": business_type_label(job.business_type),
        "rows": [row_view(row, marks) for row in rows],
        "page": page,
        "has_next": job.processed_rows > page * PAGE_ROWS,
        "may_mark": user_may_mark(request.user, job),
    }
    return render(request, "screening/detail.html", context)


@never_cache
@require_GET
@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    response = render(request, "screening/_progress.html", {"job": job})
    if job.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    return xlsx_response(_job_or_404(request, pk))


@require_POST
@login_required
def mark(request: HttpRequest, pk: int, row_number: int, subject_id: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        false_match_mark(actor=request.user, job=job, row_number=row_number, subject_id=subject_id)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将第 {row_number} 行的该匹配标记为误匹配，本单位今后的筛查不再提示。")
    return redirect(reverse("screening:detail", args=[job.pk]) + f"#row-{row_number}")


@require_POST
@login_required
def unmark(request: HttpRequest, mark_id: int) -> HttpResponse:
    try:
        found = false_match_get(request.user, mark_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        false_match_undo(actor=request.user, mark=found)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    messages.success(request, "已撤销误匹配标记。")
    if found.job_id is not None:
        return redirect("screening:detail", pk=found.job_id)
    return redirect("screening:index")
