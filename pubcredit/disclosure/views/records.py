"""A subject's own pages: its full credit record (self-query), who looked at it, hide requests;
and the staff panel of the portal subject page, behind a stated reason.

Thin: the reads go through `record_self_query` / `record_staff_view` (which log the look) and the
query-log selector; the hide button posts to the hide-request service.

Staff reasons (西安 第三十八条, 元宝山 第二十七条): before an operator sees a subject's withheld
records and the reasons, the page asks why; the reason is kept in the session for that subject
for `REASON_REMEMBER` so that one inquiry does not ask on every click, and every look is still
logged with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.disclosure.rules import DISCLOSED
from pubcredit.disclosure.selectors.hiding import hide_requests_by_record, hiding_allowed
from pubcredit.disclosure.selectors.query_log import query_log_for_subject
from pubcredit.disclosure.selectors.records import group_disclosed, record_histories
from pubcredit.disclosure.services.charges import ChargeNotConfirmed
from pubcredit.disclosure.services.hiding import hide_request_create
from pubcredit.disclosure.services.record_views import (
    is_staff_viewer,
    own_subject,
    record_self_query,
    record_staff_view,
)
from pubcredit.disclosure.staff_reasons import (
    REASON_KINDS,
    REASON_MAX_LENGTH,
    REASON_MIN_LENGTH,
    StaffReason,
    staff_reason_clean,
)
from pubcredit.records.models import Record
from pubcredit.subjects.models import Subject
from pubcredit.subjects.selectors import subject_get

QUERY_LOG_LIMIT = 200
# Platform choice, not a regulation: about one inquiry's work on one subject.
REASON_REMEMBER = dt.timedelta(minutes=30)
_SESSION_KEY = "staff_query_reasons"


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


# --- staff reasons ------------------------------------------------------------------------------


class StaffReasonForm(forms.Form):
    """Collects the reason; `staff_reason_clean` checks it, as for the API."""

    reason_kind = forms.ChoiceField(label="查询事由类别", choices=list(REASON_KINDS.items()))
    reason = forms.CharField(
        label="事由说明",
        min_length=REASON_MIN_LENGTH,
        max_length=REASON_MAX_LENGTH,
        help_text=f"写明所办事项，如异议或投诉编号，{REASON_MIN_LENGTH}–{REASON_MAX_LENGTH} 个字；记入查询日志",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "pc-input")


def remembered_reason(request: HttpRequest, subject_id: int) -> StaffReason | None:
    """The reason this staff member gave for this subject, if given less than `REASON_REMEMBER` ago."""
    stored = request.session.get(_SESSION_KEY, {}).get(str(subject_id))
    if not isinstance(stored, dict):
        return None
    try:
        until = dt.datetime.fromisoformat(stored["until"])
        reason = staff_reason_clean(stored.get("kind"), stored.get("text"))
    except (KeyError, TypeError, ValueError, ValidationFailed):
        return None
    return reason if timezone.now() < until else None


def _remember(request: HttpRequest, subject_id: int, reason: StaffReason | None) -> None:
    now = timezone.now()
    kept = {
        key: value
        for key, value in request.session.get(_SESSION_KEY, {}).items()
        if isinstance(value, dict) and str(value.get("until", "")) > now.isoformat()
    }
    if reason is None:
        kept.pop(str(subject_id), None)
    else:
        until = now + REASON_REMEMBER
        kept[str(subject_id)] = {"kind": reason.kind, "text": reason.text, "until": until.isoformat()}
    request.session[_SESSION_KEY] = kept


def staff_record_panel(request: HttpRequest, subject: Subject) -> dict[str, Any]:
    """Context for the staff panel of the portal subject page: the reason form, or (with a
    remembered reason) the withheld records and every record's reasons, the look logged."""
    reason = remembered_reason(request, subject.pk)
    if reason is None:
        return {
            "staff_reason_form": StaffReasonForm(),
            "staff_subject": subject,
            "staff_reason_minutes": int(REASON_REMEMBER.total_seconds() // 60),
        }
    staff = record_staff_view(actor=request.user, subject=subject, reason=reason, include_withheld=True)
    withheld = [entry for entry in staff if entry.decision.state != DISCLOSED]
    return {
        "explain": True,
        "withheld_groups": group_disclosed(withheld, public=False),
        "staff_reason": reason,
        "staff_subject": subject,
    }


@require_POST
@login_required
def staff_reason(request: HttpRequest, subject_id: int) -> HttpResponse:
    """The reason form of the subject page posts here; `forget=1` ends the inquiry early."""
    if not is_staff_viewer(request.user):
        raise DjangoPermissionDenied("仅信用中心工作人员可查看未公开的记录")
    try:
        subject = subject_get(subject_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    target = reverse("portal:subject", args=[subject.pk])
    if request.POST.get("forget") == "1":
        _remember(request, subject.pk, None)
        messages.success(request, "已结束本次查询；再次查看未公开记录需重新说明事由。")
        return redirect(target)
    try:
        reason = staff_reason_clean(request.POST.get("reason_kind"), request.POST.get("reason"))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect(f"{target}#staff-reason")
    _remember(request, subject.pk, reason)
    return redirect(f"{target}#withheld-title")
