"""A provider clerk's pages: upload a file, read its report, download an item's template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pubcredit.catalog.selectors import catalog_items_by_code
from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.selectors.batches import batch_get_visible, batches_visible_to
from pubcredit.collection.services.batches import batch_submit_file, submitting_provider
from pubcredit.collection.templates_xlsx import build_template
from pubcredit.core.downloads import XLSX_CONTENT_TYPE
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied

TIER_CHOICES = [("", "按文件逐条注明"), ("minor", "轻微"), ("general", "一般"), ("severe", "严重")]


class UploadForm(forms.Form):
    item = forms.ChoiceField(label="目录项")
    file = forms.FileField(label="数据文件（CSV 或 XLSX）")
    ref = forms.CharField(label="批次号（可选）", max_length=64, required=False)
    tier = forms.ChoiceField(label="失信等级（不良信息未逐条注明时）", choices=TIER_CHOICES, required=False)
    partial = forms.BooleanField(label="合格记录先行入库，问题记录另行更正后报送", required=False)

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items  # type: ignore[attr-defined]


def _items() -> list[tuple[str, str]]:
    items = catalog_items_by_code(on=timezone.localdate())
    return [(code, f"{code} {item.name}") for code, item in sorted(items.items())]


@login_required
def batch_upload(request: HttpRequest) -> HttpResponse:
    try:
        provider = submitting_provider(request.user)
    except PermissionDenied as exc:
        return render(request, "collection/batch_denied.html", {"message": exc.message}, status=403)
    items = _items()
    form = UploadForm(request.POST or None, request.FILES or None, items=items)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submitted = batch_submit_file(
                actor=request.user,
                provider=provider,
                item_code=form.cleaned_data["item"],
                stream=upload.file,
                file_name=upload.name,
                ref=form.cleaned_data["ref"],
                partial=form.cleaned_data["partial"],
                default_tier=form.cleaned_data["tier"] or None,
            )
        except (FileRejected, DomainError) as exc:
            error = exc.message
        else:
            return redirect("collection:batch_detail", batch_id=submitted.batch.pk)
    recent = batches_visible_to(request.user)[:20]
    return render(
        request,
        "collection/batch_upload.html",
        {"form": form, "error": error, "recent": recent, "provider": provider, "current": "batches"},
        status=400 if error or (request.method == "POST" and not form.is_valid()) else 200,
    )


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    try:
        batch = batch_get_visible(request.user, batch_id)
    except NotFound as exc:
        return render(request, "collection/batch_denied.html", {"message": exc.message}, status=404)
    return render(request, "collection/batch_detail.html", {"batch": batch, "current": "batches"})


def batch_template(request: HttpRequest, code: str) -> HttpResponse:
    """The item's XLSX template: Chinese headers, an example row, the rules per column."""
    item = catalog_items_by_code(on=timezone.localdate()).get(code)
    if item is None:
        return render(request, "collection/batch_denied.html", {"message": f"目录项“{code}”不存在"}, status=404)
    response = HttpResponse(
        build_template(list(item.fields), item.name),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{item.code}-template.xlsx"'
    return response
