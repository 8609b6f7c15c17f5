"""A subject's own pages: its full credit record (self-query), who looked at it, hide requests.

Thin: the reads go through `record_self_query` (which logs the look) and the query-log selector;
the hide button posts to the hide-request service.
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.core.errors import DomainError, PermissionDenied
from pubcredit.disclosure.selectors.hiding import hide_requests_by_record, hiding_allowed
from pubcredit.disclosure.selectors.query_log import query_log_for_subject
from pubcredit.disclosure.selectors.records import group_disclosed, record_histories
from pubcredit.disclosure.services.charges import ChargeNotConfirmed
from pubcredit.disclosure.services.hiding import hide_request_create
from pubcredit.disclosure.services.record_views import own_subject, record_self_query
from pubcredit.records.models import Record

QUERY_LOG_LIMIT = 200


@require_http_methods(["GET", "POST"])
@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """GET looks; where queries are paid and the free ones are used, the page asks first and the
    confirmation comes back as a POST (杏花岭 第十一条)."""
    confirmed = request.method == "POST" and request.POST.get("confirm_charge") == "1"
    try:
        subject, disclosed = record_self_query(actor=request.user, confirm_charge=confirmed)
    except ChargeNotConfirmed as exc:
        return render(request, "disclosure/records/charge_confirm.html", {"message": exc.message})
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    may_hide, hide_article = hiding_allowed()
    histories = record_histories(disclosed)
    hides = hide_requests_by_record(subject)
    groups = group_disclosed(disclosed, public=False)
    for group in groups:
        group.entries = [
            replace(
                entry,
                history=tuple(histories.get(entry.record.pk, ())),
                hide_request=hides.get(entry.record.pk),
            )
            for entry in group.entries
        ]
    return render(
        request,
        "disclosure/records/my_record.html",
        {
            "subject": subject,
            "groups": groups,
            "may_hide": may_hide,
            "hide_article": hide_article,
            "own_view": True,
        },
    )


@require_GET
@login_required
def my_queries(request: HttpRequest) -> HttpResponse:
    subject = own_subject(request.user)
    if subject is None:
        raise DjangoPermissionDenied("只有信息主体账号可以查看本人信用记录的查询情况")
    entries = query_log_for_subject(subject, limit=QUERY_LOG_LIMIT)
    return render(
        request,
        "disclosure/records/my_queries.html",
        {"subject": subject, "entries": entries, "truncated": len(entries) >= QUERY_LOG_LIMIT},
    )


@require_POST
@login_required
def hide_record(request: HttpRequest, record_id: int) -> HttpResponse:
    record = Record.objects.filter(pk=record_id).first()
    if record is None:
        raise Http404("未找到该信用记录")
    try:
        hide_request = hide_request_create(actor=request.user, record=record)
    except PermissionDenied as exc:
        # Another subject's record answers like a missing one: a record number tells nothing.
        raise Http404("未找到该信用记录") from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if hide_request.due_on:
            messages.success(
                request,
                f"已收到申请：该良好信息即日起不再公开，并将于 {hide_request.due_on:%Y-%m-%d} 前删除"
                f"（{hide_request.article}）。",
            )
        else:
            messages.success(request, f"已收到申请：该良好信息不再对外披露（{hide_request.article}）。")
    return redirect("my_record:record")
