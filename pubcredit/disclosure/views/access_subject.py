"""A subject's account grants, sees and revokes authorisations (授权查询).

Thin: forms in, services and selectors out. Someone else's authorisation answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.core.errors import DomainError, PermissionDenied
from pubcredit.disclosure.selectors.access import (
    authorisations_granted_by,
    requester_organisations,
    user_grants_for,
)
from pubcredit.disclosure.services.authorisations import authorisation_grant, authorisation_revoke
from pubcredit.disclosure.views.access_forms import GrantForm
from pubcredit.subjects.models import Subject

LIST_LIMIT = 200


def _subject_or_403(request: HttpRequest) -> Subject:
    subject_id = user_grants_for(request.user)
    if subject_id is None:
        raise DjangoPermissionDenied("只有信用主体账号可以出具和管理查询授权")
    return Subject.objects.get(pk=subject_id)


def items_for(subject: Subject) -> list[CatalogItem]:
    return [item for item in catalog_items_published() if subject.kind in (item.subject_kinds or [])]


@require_GET
@login_required
def authorisation_list(request: HttpRequest) -> HttpResponse:
    subject = _subject_or_403(request)
    rows = list(authorisations_granted_by(request.user)[:LIST_LIMIT])
    return render(
        request,
        "disclosure/access/authorisations.html",
        {
            "subject": subject,
            "authorisations": rows,
            "today": timezone.localdate(),
            "truncated": len(rows) >= LIST_LIMIT,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def authorisation_new(request: HttpRequest) -> HttpResponse:
    subject = _subject_or_403(request)
    today = timezone.localdate()
    options: dict[str, Any] = {"organisations": requester_organisations(), "items": items_for(subject), "today": today}
    if request.method == "POST":
        form = GrantForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                authorisation = authorisation_grant(
                    actor=request.user,
                    requester_organisation=data["requester_organisation"],
                    item_codes=data["item_codes"],
                    purpose=data["purpose"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    f"已授权“{authorisation.requester_label}”查询，授权编号 {authorisation.pk}，"
                    f"有效期至 {authorisation.valid_until.isoformat()}。",
                )
                return redirect("access:authorisation_list")
    else:
        form = GrantForm(**options)
    return render(
        request,
        "disclosure/access/authorisation_new.html",
        {"subject": subject, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def authorisation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    _subject_or_403(request)
    authorisation = authorisations_granted_by(request.user).filter(pk=pk).first()
    if authorisation is None:
        raise Http404(f"授权 {pk} 不存在")
    try:
        authorisation_revoke(actor=request.user, authorisation=authorisation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"授权 {pk} 已撤销，被授权方不能再据此查询。")
    return redirect("access:authorisation_list")
