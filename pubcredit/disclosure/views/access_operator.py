"""The credit centre checks written authorisations and manages sharing agreements.

Thin: forms in, services and selectors out. Pages for a role the user does not hold answer 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied
from pubcredit.disclosure.models.access import AuthorisationMethod, AuthorisationState, SharingAgreementState
from pubcredit.disclosure.selectors.access import (
    authorisation_get_visible,
    authorisations_pending_check,
    consumer_organisations,
    sharing_agreement_get_visible,
    sharing_agreements_visible_to,
    user_checks_authorisations,
    user_manages_agreements,
)
from pubcredit.disclosure.services.authorisations import authorisation_accept, authorisation_refuse
from pubcredit.disclosure.services.sharing import (
    sharing_agreement_approve,
    sharing_agreement_create,
    sharing_agreement_end,
)
from pubcredit.disclosure.views.access_forms import AgreementForm, ReasonForm

LIST_LIMIT = 200


def _require_checker(request: HttpRequest) -> None:
    if not user_checks_authorisations(request.user):
        raise DjangoPermissionDenied("只有信用中心工作人员可以核验书面授权")


def _require_manager(request: HttpRequest) -> None:
    if not user_manages_agreements(request.user):
        raise DjangoPermissionDenied("只有信用中心或主管部门的工作人员可以管理共享协议")


# --- written authorisations -------------------------------------------------------------------


@require_GET
@login_required
def check_queue(request: HttpRequest) -> HttpResponse:
    _require_checker(request)
    pending = list(authorisations_pending_check(request.user)[:LIST_LIMIT])
    return render(
        request, "disclosure/access/check_queue.html", {"pending": pending, "truncated": len(pending) >= LIST_LIMIT}
    )


def _visible(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    try:
        return authorisation_get_visible(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@login_required
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_checker(request)
    authorisation = _visible(request, pk)
    return render(
        request,
        "disclosure/access/check_detail.html",
        {
            "a": authorisation,
            "may_check": authorisation.method == AuthorisationMethod.WRITTEN
            and authorisation.state == AuthorisationState.PENDING,
            "accept_form": ReasonForm(prefix="accept", label="核验意见（可选）", required=False),
            "refuse_form": ReasonForm(prefix="refuse", label="不通过的理由"),
        },
    )


@never_cache
@require_GET
@login_required
def authorisation_document(request: HttpRequest, pk: int) -> FileResponse:
    """The signed scan, for the operator checking it and the requester who uploaded it."""
    authorisation = _visible(request, pk)
    is_uploader = authorisation.created_by_id == request.user.pk
    if not (is_uploader or user_checks_authorisations(request.user)) or not authorisation.document_path:
        raise Http404("书面授权文件不存在")
    handle = default_storage.open(authorisation.document_path, "rb")
    return FileResponse(handle, as_attachment=True, filename=authorisation.document_name or f"授权-{pk}")


def _check(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    _require_checker(request)
    authorisation = _visible(request, pk)
    form = ReasonForm(request.POST, prefix="accept" if accept else "refuse", required=not accept)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("access:check_detail", pk=pk)
    try:
        if accept:
            authorisation_accept(actor=request.user, authorisation=authorisation, reason=form.cleaned_data["reason"])
            messages.success(request, f"书面授权 {pk} 核验通过，被授权方可以据此查询。")
        else:
            authorisation_refuse(actor=request.user, authorisation=authorisation, reason=form.cleaned_data["reason"])
            messages.success(request, f"书面授权 {pk} 核验不通过，理由已记录。")
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("access:check_detail", pk=pk)


@require_POST
@login_required
def check_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _check(request, pk, accept=True)


@require_POST
@login_required
def check_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _check(request, pk, accept=False)


# --- sharing agreements -----------------------------------------------------------------------


@require_GET
@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    rows = list(sharing_agreements_visible_to(request.user)[:LIST_LIMIT])
    return render(
        request,
        "disclosure/access/agreements.html",
        {
            "agreements": rows,
            "truncated": len(rows) >= LIST_LIMIT,
            "may_create": user_checks_authorisations(request.user),
            "today": timezone.localdate(),
            "draft": SharingAgreementState.DRAFT,
            "ended": SharingAgreementState.ENDED,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    if not user_checks_authorisations(request.user):
        raise DjangoPermissionDenied("只有信用中心工作人员可以登记共享协议")
    today = timezone.localdate()
    options: dict[str, Any] = {
        "consumers": consumer_organisations(),
        "items": list(catalog_items_published()),
        "today": today,
    }
    if request.method == "POST":
        form = AgreementForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement = sharing_agreement_create(actor=request.user, **data)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"共享协议 {agreement.pk} 已登记，批准后生效。")
                return redirect("access:agreement_list")
    else:
        form = AgreementForm(**options)
    return render(
        request, "disclosure/access/agreement_new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


def _agreement(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    _require_manager(request)
    try:
        return sharing_agreement_get_visible(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_POST
@login_required
def agreement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    try:
        sharing_agreement_approve(actor=request.user, agreement=agreement)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"共享协议 {pk} 已批准。")
    return redirect("access:agreement_list")


@require_POST
@login_required
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    try:
        sharing_agreement_end(actor=request.user, agreement=agreement, reason=request.POST.get("reason", ""))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"共享协议 {pk} 已终止。")
    return redirect("access:agreement_list")
