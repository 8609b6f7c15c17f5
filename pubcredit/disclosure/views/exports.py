"""Pages of record exports for credit-centre staff: request, approve or refuse, download.

Thin: the form collects values, `services.exports` checks them and acts, `selectors.exports`
reads. Pages for a role the user does not hold answer 403; an export the user may not see, 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.accounts.models import Organisation
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.core.downloads import XLSX_CONTENT_TYPE
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied
from pubcredit.disclosure.models.export_request import ExportRequest, ExportState, ExportSubjectKind
from pubcredit.disclosure.selectors.exports import (
    export_providers,
    export_request_get_visible,
    export_requests_visible_to,
    user_approves_exports,
    user_requests_exports,
    user_sees_exports,
)
from pubcredit.disclosure.services.exports import (
    DOWNLOAD_WINDOW,
    MAX_DOWNLOADS,
    export_download,
    export_request_approve,
    export_request_create,
    export_request_refuse,
    export_requests_expire,
)
from pubcredit.disclosure.staff_reasons import REASON_KINDS, REASON_MAX_LENGTH, REASON_MIN_LENGTH
from pubcredit.disclosure.views.access_forms import OrganisationField

LIST_LIMIT = 200


class ExportForm(forms.Form):
    subject_kind = forms.ChoiceField(label="主体类型", choices=ExportSubjectKind.choices, initial="person")
    provider = OrganisationField(label="信息提供单位", queryset=Organisation.objects.none(), required=False)
    item_code = forms.ChoiceField(label="目录项", required=False)
    decided_from = forms.DateField(
        label="决定日期自", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    decided_to = forms.DateField(
        label="决定日期至（含当日）", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    full_id_numbers = forms.BooleanField(label="申请导出完整身份证号码（默认脱敏，须审批人同意）", required=False)
    reason_kind = forms.ChoiceField(label="导出事由类别", choices=list(REASON_KINDS.items()))
    reason = forms.CharField(
        label="事由说明",
        min_length=REASON_MIN_LENGTH,
        max_length=REASON_MAX_LENGTH,
        help_text="写明所办事项；自然人记录的导出须由另一名工作人员审批（西安 第三十八条）",
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"decided_to": today, "decided_from": today - dt.timedelta(days=30)})
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = export_providers()
        provider.empty_label = "（不限，须选目录项）"
        item = self.fields["item_code"]
        assert isinstance(item, forms.ChoiceField)
        codes = {i.code: i.name for i in catalog_items_published()}
        item.choices = [("", "（不限，须选提供单位）")] + [(c, f"{n}（{c}）") for c, n in sorted(codes.items())]
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "pc-input")
            if name == "full_id_numbers":
                field.widget.attrs.setdefault("class", "pc-checkbox")


def _require_seer(request: HttpRequest) -> None:
    if not user_sees_exports(request.user):
        raise DjangoPermissionDenied("只有信用中心、主管部门或审计监督的工作人员可以查看记录导出")


def _visible(request: HttpRequest, pk: int) -> ExportRequest:
    _require_seer(request)
    try:
        return export_request_get_visible(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    _require_seer(request)
    export_requests_expire()
    rows = list(export_requests_visible_to(request.user)[:LIST_LIMIT])
    return render(
        request,
        "disclosure/exports/list.html",
        {
            "exports": rows,
            "truncated": len(rows) >= LIST_LIMIT,
            "may_request": user_requests_exports(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def export_new(request: HttpRequest) -> HttpResponse:
    if not user_requests_exports(request.user):
        raise DjangoPermissionDenied("只有信用中心工作人员可以申请导出信用记录")
    today = timezone.localdate()
    if request.method == "POST":
        form = ExportForm(request.POST, today=today)
        if form.is_valid():
            try:
                export = export_request_create(actor=request.user, **form.cleaned_data)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if export.needs_approval:
                    messages.success(request, f"导出申请 {export.pk} 已提交，待另一名工作人员审批。")
                else:
                    messages.success(request, f"导出申请 {export.pk} 不含个人信息，文件已生成，可以下载。")
                return redirect("staff:export_detail", pk=export.pk)
    else:
        form = ExportForm(today=today)
    return render(
        request, "disclosure/exports/new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_GET
@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export_requests_expire()
    export = _visible(request, pk)
    is_requester = export.requested_by_id == request.user.pk
    return render(
        request,
        "disclosure/exports/detail.html",
        {
            "e": export,
            "is_requester": is_requester,
            "may_decide": export.state == ExportState.REQUESTED
            and not is_requester
            and user_approves_exports(request.user),
            "may_download": is_requester and export.state in (ExportState.APPROVED, ExportState.DOWNLOADED),
            "window_hours": int(DOWNLOAD_WINDOW.total_seconds() // 3600),
            "max_downloads": MAX_DOWNLOADS,
        },
    )


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    export = _visible(request, pk)
    note = request.POST.get("note", "")
    try:
        if approve:
            export_request_approve(
                actor=request.user,
                export=export,
                note=note,
                full_id_numbers=request.POST.get("full_id_numbers") == "1",
            )
            messages.success(request, f"导出申请 {pk} 已批准，文件已生成，仅申请人可下载。")
        else:
            export_request_refuse(actor=request.user, export=export, note=note)
            messages.success(request, f"导出申请 {pk} 已拒绝，理由已记录。")
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("staff:export_detail", pk=pk)


@require_POST
@login_required
def export_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@require_POST
@login_required
def export_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@never_cache
@require_POST
@login_required
def export_file(request: HttpRequest, pk: int) -> HttpResponse:
    export = _visible(request, pk)
    try:
        content, filename = export_download(actor=request.user, export=export)
    except PermissionDenied as exc:
        raise Http404("导出文件不存在") from exc  # only the requester learns that there is a file
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("staff:export_detail", pk=pk)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"export-{pk}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
