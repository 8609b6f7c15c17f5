"""Repair pages: the applicant's list, apply form and detail; the provider's queue; the centre's
overview. Thin: forms in, services and selectors out. An application someone may not see answers
404, not 403, so that ids reveal nothing; a page for a role the user does not hold answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.core.downloads import private_download
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.policy import get_policy
from pubcredit.repairs.models import RepairApplication, RepairState
from pubcredit.repairs.rules import EXCLUDED_KEY, requirements
from pubcredit.repairs.selectors import (
    own_record_get,
    repair_counts,
    repair_get,
    repair_preview,
    repair_proof_get,
    repair_proofs,
    repairable_records,
    repairs_decided_by_provider,
    repairs_of_subject,
    repairs_overview,
    repairs_queue,
    user_applies_for,
    user_decides_for,
    user_oversees_repairs,
)
from pubcredit.repairs.services import RepairIneligible, repair_apply, repair_decide, repair_proof_open
from pubcredit.repairs.views.forms import ApplyForm, DecideForm
from pubcredit.repairs.workflow import repair_may_move

LIST_LIMIT = 200


def _get_or_404(request: HttpRequest, pk: int) -> RepairApplication:
    try:
        return repair_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    if user_applies_for(request.user) is not None:
        return redirect("repairs:mine")
    if user_decides_for(request.user) is not None:
        return redirect("repairs:queue")
    if user_oversees_repairs(request.user):
        return redirect("repairs:overview")
    raise DjangoPermissionDenied("只有信用主体、信息提供单位和信用中心可以办理信用修复")


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if user_applies_for(request.user) is None:
        raise DjangoPermissionDenied("只有信用主体账号可以申请信用修复")
    return render(
        request,
        "repairs/mine.html",
        {
            "applications": list(repairs_of_subject(request.user)[:LIST_LIMIT]),
            "records": repairable_records(request.user),
        },
    )


def _asks_intentional() -> bool:
    excluded = get_policy(on=timezone.localdate()).value(EXCLUDED_KEY)
    return isinstance(excluded, list) and "intentional" in excluded


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, record_id: int) -> HttpResponse:
    if user_applies_for(request.user) is None:
        raise DjangoPermissionDenied("只有信用主体账号可以申请信用修复")
    try:
        record = own_record_get(request.user, record_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    preview = repair_preview(record)
    asks_intentional = _asks_intentional()
    refusal: list[str] = []
    eligible_from = None
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST, request.FILES, asks_intentional=asks_intentional)
        if form.is_valid():
            try:
                application = repair_apply(
                    actor=request.user,
                    record=record,
                    ground=form.cleaned_data["ground"],
                    intentional=form.intentional_value() if asks_intentional else None,
                    commitment_signed=bool(form.cleaned_data.get("commitment")),
                    proofs=form.cleaned_data.get("proofs") or [],
                )
            except RepairIneligible as exc:
                refusal = list(exc.eligibility.reasons)
                eligible_from = exc.eligibility.eligible_from
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except ValidationFailed as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                messages.success(
                    request,
                    f"信用修复申请已提交（编号 {application.number}），已转作出认定的信息提供单位决定。",
                )
                return redirect("repairs:detail", pk=application.pk)
        status = 400
    else:
        form = ApplyForm(asks_intentional=asks_intentional)
    context: dict[str, Any] = {
        "record": record,
        "preview": preview,
        "requirements": requirements(get_policy(on=timezone.localdate())),
        "form": form,
        "refusal": refusal,
        "eligible_from": eligible_from,
    }
    return render(request, "repairs/apply.html", context, status=status)


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_or_404(request, pk)
    may_decide = user_decides_for(request.user) == application.provider_id and repair_may_move(
        application.state, RepairState.ACCEPTED
    )
    context: dict[str, Any] = {
        "application": application,
        "proofs": list(repair_proofs(application)),
        "may_decide": may_decide,
        "accept_form": DecideForm(prefix="accept"),
        "reject_form": DecideForm(prefix="reject"),
        "staff": user_decides_for(request.user) is not None or user_oversees_repairs(request.user),
    }
    return render(request, "repairs/detail.html", context)


def _decide(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    application = _get_or_404(request, pk)
    form = DecideForm(request.POST, prefix="accept" if accept else "reject")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("repairs:detail", pk=application.pk)
    try:
        repair_decide(actor=request.user, application=application, accept=accept, reason=form.cleaned_data["reason"])
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if accept:
            messages.success(request, f"已同意信用修复申请 {application.number}，修复结果已推送至平台。")
        else:
            messages.success(request, f"已决定不予修复申请 {application.number}，理由已告知申请人。")
    return redirect("repairs:detail", pk=application.pk)


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=True)


@require_POST
@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=False)


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if user_decides_for(request.user) is None:
        raise DjangoPermissionDenied("只有信息提供单位的工作人员可以决定信用修复申请")
    pending = list(repairs_queue(request.user)[:LIST_LIMIT])
    return render(
        request,
        "repairs/queue.html",
        {
            "pending": pending,
            "decided": repairs_decided_by_provider(request.user),
            "today": timezone.localdate(),
            "truncated": len(pending) >= LIST_LIMIT,
        },
    )


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not user_oversees_repairs(request.user):
        raise DjangoPermissionDenied("只有信用中心和监督部门可以查看信用修复总览")
    overdue_only = request.GET.get("overdue") == "1"
    applications = list(repairs_overview(request.user, overdue_only=overdue_only)[:LIST_LIMIT])
    return render(
        request,
        "repairs/overview.html",
        {
            "applications": applications,
            "overdue_only": overdue_only,
            "counts": repair_counts(request.user),
            "truncated": len(applications) >= LIST_LIMIT,
        },
    )


@never_cache
@require_GET
@login_required
def proof(request: HttpRequest, pk: int) -> FileResponse:
    """A proof file, to the applicant, the deciding provider and the centre only, as a download."""
    try:
        found = repair_proof_get(request.user, pk)
        handle = repair_proof_open(actor=request.user, proof=found)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return private_download(handle, filename=found.file_name, content_type=found.content_type)
