"""Self-declaration pages: a subject's list and form, the detail page, the centre's review queue.

Thin: forms in, services and selectors out. A declaration someone may not see answers 404, not
403, so that ids reveal nothing; a page for a role the user does not hold answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.catalog.models import CatalogItem
from pubcredit.collection.models import Declaration, DeclarationStatus
from pubcredit.collection.selectors.declarations import (
    declarable_items,
    declaration_attachment_get,
    declaration_attachments,
    declaration_get,
    declarations_pending_review,
    declarations_visible_to,
    user_declares_for,
    user_reviews_declarations,
)
from pubcredit.collection.services.declarations import (
    DeclarationRejected,
    declaration_approve,
    declaration_mark_false,
    declaration_reject,
    declaration_submit,
)
from pubcredit.collection.views.declaration_forms import ApproveForm, DeclarationForm, ItemChoiceForm, ReasonForm
from pubcredit.collection.workflow import declaration_may_move
from pubcredit.core.downloads import private_download
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.subjects.models import Subject

LIST_LIMIT = 200


def _get_or_404(request: HttpRequest, pk: int) -> Declaration:
    try:
        return declaration_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _review_forms(data: Any = None) -> dict[str, Any]:
    return {
        "approve_form": ApproveForm(data, prefix="approve"),
        "reject_form": ReasonForm(data, prefix="reject", label="退回理由"),
        "false_form": ReasonForm(data, prefix="false", label="查实虚假的情况"),
    }


@require_GET
@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    subject_id = user_declares_for(request.user)
    reviewer = user_reviews_declarations(request.user)
    if subject_id is None and not reviewer:
        raise DjangoPermissionDenied("只有信用主体账号和信用中心工作人员可以查看自主申报")
    declarations = list(declarations_visible_to(request.user)[:LIST_LIMIT])
    return render(
        request,
        "collection/declaration_list.html",
        {
            "declarations": declarations,
            "can_declare": subject_id is not None,
            "reviewer": reviewer,
            "pending_count": declarations_pending_review(request.user).count() if reviewer else 0,
            "truncated": len(declarations) >= LIST_LIMIT,
        },
    )


def _chosen_item(code: str, items: list[CatalogItem]) -> CatalogItem | None:
    return next((item for item in items if item.code == code), None)


@require_http_methods(["GET", "POST"])
@login_required
def declaration_new(request: HttpRequest) -> HttpResponse:
    subject_id = user_declares_for(request.user)
    if subject_id is None:
        raise DjangoPermissionDenied("只有信用主体账号可以提交自主申报")
    subject = Subject.objects.get(pk=subject_id)
    items = declarable_items(subject)
    code = (request.POST.get("item") if request.method == "POST" else request.GET.get("item")) or ""
    item = _chosen_item(code, items)
    choose = ItemChoiceForm(initial={"item": code}, items=items)
    if item is None:
        item_error = f"事项“{code[:20]}”不能自主申报：请从列表中选择适用于本主体的良好信息事项" if code else ""
        return render(
            request,
            "collection/declaration_new.html",
            {"choose_form": choose, "item_error": item_error, "item": None, "subject": subject},
            status=400 if code else 200,
        )
    if request.method == "POST":
        form = DeclarationForm(request.POST, request.FILES, item=item, subject_kind=subject.kind)
        if form.is_valid():
            try:
                declaration = declaration_submit(
                    actor=request.user,
                    item=item,
                    data=form.data_values(),
                    decided_on=form.cleaned_data["decided_on"],
                    statement=form.cleaned_data["statement"],
                    attachments=form.cleaned_data["attachments"],
                )
            except DeclarationRejected as exc:
                for problem in exc.problems:
                    form.add_error(form.form_field_for(problem.field), problem.message)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except ValidationFailed as exc:
                form.add_error(form.form_field_for(exc.field or ""), exc.message)
            else:
                messages.success(request, f"自主申报已提交（编号 {declaration.pk}），信用中心审核后会在此显示结果。")
                return redirect("collection:declaration_detail", pk=declaration.pk)
    else:
        form = DeclarationForm(item=item, subject_kind=subject.kind)
    return render(
        request,
        "collection/declaration_new.html",
        {"choose_form": choose, "item": item, "form": form, "subject": subject},
        status=400 if request.method == "POST" else 200,
    )


def _data_rows(declaration: Declaration) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for spec in declaration.item.field_specs():
        value = declaration.data.get(spec.name)
        if value in (None, ""):
            continue
        if spec.type == "bool":
            value = "是" if value else "否"
        rows.append((spec.label, value))
    return rows


@require_GET
@login_required
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _get_or_404(request, pk)
    reviewer = user_reviews_declarations(request.user)
    context: dict[str, Any] = {
        "declaration": declaration,
        "rows": _data_rows(declaration),
        "attachments": list(declaration_attachments(declaration)),
        "reviewer": reviewer,
        "may_review": reviewer and declaration_may_move(declaration.status, DeclarationStatus.APPROVED),
        "may_mark_false": reviewer and declaration_may_move(declaration.status, DeclarationStatus.FOUND_FALSE),
        **_review_forms(),
    }
    return render(request, "collection/declaration_detail.html", context)


@require_GET
@login_required
def declaration_queue(request: HttpRequest) -> HttpResponse:
    if not user_reviews_declarations(request.user):
        raise DjangoPermissionDenied("只有信用中心工作人员可以审核自主申报")
    pending = list(declarations_pending_review(request.user)[:LIST_LIMIT])
    return render(
        request,
        "collection/declaration_queue.html",
        {"pending": pending, "truncated": len(pending) >= LIST_LIMIT},
    )


def _review(request: HttpRequest, pk: int, *, prefix: str) -> HttpResponse:
    declaration = _get_or_404(request, pk)
    form = _review_forms(request.POST)[f"{prefix}_form"]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("collection:declaration_detail", pk=declaration.pk)
    reason = form.cleaned_data["reason"]
    try:
        if prefix == "approve":
            declaration_approve(actor=request.user, declaration=declaration, reason=reason)
            messages.success(request, f"自主申报 {declaration.pk} 已审核通过，已形成自主申报信用记录。")
        elif prefix == "reject":
            declaration_reject(actor=request.user, declaration=declaration, reason=reason)
            messages.success(request, f"自主申报 {declaration.pk} 已退回，理由已告知申报主体。")
        else:
            found = declaration_mark_false(actor=request.user, declaration=declaration, reason=reason)
            tail = "，并已记入警示记录" if found.warning_record_id else ""
            messages.success(request, f"自主申报 {declaration.pk} 已认定为虚假，相应信用记录已撤回{tail}。")
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("collection:declaration_detail", pk=declaration.pk)


@require_POST
@login_required
def declaration_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, prefix="approve")


@require_POST
@login_required
def declaration_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, prefix="reject")


@require_POST
@login_required
def declaration_mark_false_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, prefix="false")


@never_cache
@require_GET
@login_required
def declaration_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A proof file, to the declaring subject's account or the centre only, always as a download."""
    try:
        attachment = declaration_attachment_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        handle = default_storage.open(attachment.path, "rb")
    except FileNotFoundError as exc:
        raise Http404(f"证明材料 {pk} 的文件已不在存储中") from exc
    return private_download(handle, filename=attachment.file_name, content_type=attachment.content_type)
