"""A requester registers a subject's signed written authorisation and follows its check.

The subject is named by USCC or ID number in the POST body only; the page redirects afterwards,
so no identifier reaches a URL or the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.core.errors import DomainError, PermissionDenied
from pubcredit.disclosure.selectors.access import authorisations_received_by, user_may_upload
from pubcredit.disclosure.services.access_parties import find_subject
from pubcredit.disclosure.services.authorisations import authorisation_upload
from pubcredit.disclosure.views.access_forms import WrittenForm

LIST_LIMIT = 200


@require_GET
@login_required
def written_list(request: HttpRequest) -> HttpResponse:
    rows = list(authorisations_received_by(request.user)[:LIST_LIMIT])
    return render(
        request, "disclosure/access/written_list.html", {"authorisations": rows, "truncated": len(rows) >= LIST_LIMIT}
    )


@require_http_methods(["GET", "POST"])
@login_required
def written_new(request: HttpRequest) -> HttpResponse:
    if not user_may_upload(request.user):
        raise DjangoPermissionDenied("请先登录")
    options: dict[str, Any] = {"items": list(catalog_items_published()), "today": timezone.localdate()}
    if request.method == "POST":
        form = WrittenForm(request.POST, request.FILES, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                subject = find_subject(uscc=data["uscc"] or None, id_number=data["id_number"] or None)
                if subject is None:
                    field = "uscc" if data["uscc"] else "id_number"
                    form.add_error(field, "未找到该信息主体，请核对统一社会信用代码或身份证号码")
                else:
                    authorisation = authorisation_upload(
                        actor=request.user,
                        subject=subject,
                        item_codes=data["item_codes"],
                        purpose=data["purpose"],
                        valid_from=data["valid_from"],
                        valid_until=data["valid_until"],
                        document=data["document"],
                    )
                    messages.success(
                        request, f"书面授权已登记（授权编号 {authorisation.pk}），信用中心核验通过后方可使用。"
                    )
                    return redirect("access:written_list")
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        form = WrittenForm(**options)
    return render(
        request, "disclosure/access/written_new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )
