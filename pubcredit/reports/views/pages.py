"""Report pages: a subject's reports and the generation form, a requester's reports within its
authorisations, the centre's archive, downloads, and the published signing certificate.

Thin: forms in, services and selectors out. A report someone may not see answers 404, so that
ids reveal nothing; a page for a role the user does not hold answers 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.accounts.actors import actor_may, subject_account_id
from pubcredit.core.errors import ConfigurationError, DomainError, NotFound, PermissionDenied
from pubcredit.core.roles import Role
from pubcredit.disclosure.models.access import AuthorisationState
from pubcredit.disclosure.selectors.access import authorisations_received_by
from pubcredit.disclosure.services.charges import ChargeNotConfirmed
from pubcredit.reports import signing
from pubcredit.reports.models import Report, ReportKind
from pubcredit.reports.selectors import report_get, reports_visible_to, user_generates_public, user_sees_archive
from pubcredit.reports.services import report_generate, report_open
from pubcredit.reports.views.forms import AuthorisedForm, GenerateForm, default_span
from pubcredit.subjects.selectors import subject_find_by_uscc

LIST_LIMIT = 200
# The service's field names where the form names them otherwise.
_FORM_FIELDS = {"fields": "special_fields", "subject": "uscc"}


def _initial(today: dt.date) -> dict[str, Any]:
    start, end = default_span(today)
    return {"span_from": start, "span_to": end, "kind": ReportKind.PUBLIC.value}


def _active_authorisations(user: Any) -> list[Any]:
    today = timezone.localdate()
    return list(
        authorisations_received_by(user)
        .filter(state=AuthorisationState.ACTIVE, valid_from__lte=today, valid_until__gte=today)
        .order_by("-valid_until", "-id")[:LIST_LIMIT]
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request)


def _index_page(
    request: HttpRequest, form: GenerateForm | None = None, status: int = 200, *, ask_charge: bool = False
) -> HttpResponse:
    user = request.user
    is_subject = subject_account_id(user) is not None
    operator = user_generates_public(user)
    authorisations = [] if is_subject else _active_authorisations(user)
    # A consumer department without an authorisation in force is told how to get one (the page it
    # reaches from its navigation), rather than refused.
    consumer = actor_may(user, Role.CONSUMER)
    if not (is_subject or operator or authorisations or consumer or user_sees_archive(user)):
        raise DjangoPermissionDenied("只有信息主体、持有授权的查询单位和信用中心可以生成信用报告")
    if form is None and (is_subject or operator):
        form = GenerateForm(
            initial=_initial(timezone.localdate()), operator=operator and not is_subject, subject=is_subject
        )
    # A subject's account sees every report about its subject; others the ones they generated.
    visible = reports_visible_to(user)
    reports = list((visible if is_subject else visible.filter(generated_by_id=user.pk))[:LIST_LIMIT])
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "reports": reports,
            "is_subject": is_subject,
            "operator": operator,
            "authorisations": authorisations,
            "needs_authorisation": consumer and not (authorisations or operator or is_subject),
            "sees_archive": user_sees_archive(user),
            "ask_charge": ask_charge,
        },
        status=status,
    )


@require_POST
@login_required
def generate(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_subject = subject_account_id(user) is not None
    operator = user_generates_public(user) and not is_subject
    if not (is_subject or operator):
        raise DjangoPermissionDenied("只有信息主体本人或信用中心工作人员可以在此生成信用报告")
    form = GenerateForm(request.POST, operator=operator, subject=is_subject)
    if not form.is_valid():
        return _index_page(request, form, 400)
    subject = None
    if operator:
        subject = subject_find_by_uscc(form.cleaned_data.get("uscc") or "")
        if subject is None:
            form.add_error("uscc", f"未找到统一社会信用代码为“{(form.cleaned_data.get('uscc') or '')[:18]}”的信息主体")
            return _index_page(request, form, 400)
    try:
        report = report_generate(
            actor=user,
            kind=form.cleaned_data["kind"],
            span_from=form.cleaned_data["span_from"],
            span_to=form.cleaned_data["span_to"],
            subject=subject,
            fields=form.cleaned_data.get("special_fields") or [],
            confirm_charge=request.POST.get("confirm_charge") == "1",
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ChargeNotConfirmed as exc:  # 杏花岭 第十一条: a charged query needs the subject's yes
        form.add_error(None, exc.message)
        return _index_page(request, form, 400, ask_charge=True)
    except ConfigurationError:
        form.add_error(None, "平台报告签章证书尚未配置，暂时无法生成信用报告，请联系信用中心")
        return _index_page(request, form, 503)
    except DomainError as exc:
        name = _FORM_FIELDS.get(exc.field or "", exc.field)
        form.add_error(name if name in form.fields else None, exc.message)
        return _index_page(request, form, 400)
    messages.success(request, f"已生成信用报告 {report.number}（{report.get_kind_display()}），可在下方列表下载。")
    return redirect("reports:index")


@require_http_methods(["GET", "POST"])
@login_required
def authorised(request: HttpRequest) -> HttpResponse:
    """A requester's reports within the authorisations it holds (full version, authorised items)."""
    authorisations = _active_authorisations(request.user)
    if not authorisations and not reports_visible_to(request.user).filter(generated_by_id=request.user.pk).exists():
        raise DjangoPermissionDenied("您没有有效的信用信息查询授权")
    error = ""
    status = 200
    chosen = None
    if request.method == "POST":
        form = AuthorisedForm(request.POST)
        if form.is_valid():
            chosen = next((a for a in authorisations if a.pk == form.cleaned_data["authorisation"]), None)
            if chosen is None:
                raise Http404("未找到该授权")
            try:
                report = report_generate(
                    actor=request.user,
                    kind=ReportKind.FULL,
                    span_from=form.cleaned_data["span_from"],
                    span_to=form.cleaned_data["span_to"],
                    subject=chosen.subject,
                    authorisation_id=chosen.pk,
                    purpose=form.cleaned_data["purpose"],
                    confirm_charge=request.POST.get("confirm_charge") == "1",
                )
            except ConfigurationError:
                error, status = "平台报告签章证书尚未配置，暂时无法生成信用报告，请联系信用中心", 503
            except DomainError as exc:
                error, status = exc.message, 400
            else:
                messages.success(request, f"已生成信用报告 {report.number}（授权范围内的完整版）。")
                return redirect("reports:authorised")
        else:
            error, status = "；".join(str(e) for errors in form.errors.values() for e in errors), 400
    start, end = default_span(timezone.localdate())
    return render(
        request,
        "reports/authorised.html",
        {
            "authorisations": authorisations,
            "span_from": start,
            "span_to": end,
            "error": error,
            "reports": list(reports_visible_to(request.user).filter(generated_by_id=request.user.pk)[:LIST_LIMIT]),
        },
        status=status,
    )


@require_GET
@login_required
def archive(request: HttpRequest) -> HttpResponse:
    if not user_sees_archive(request.user):
        raise DjangoPermissionDenied("只有信用中心和监督部门可以查看信用报告存档")
    reports = reports_visible_to(request.user)
    number = (request.GET.get("number") or "").strip().upper()[:40]
    if number:
        reports = reports.filter(number=number)
    return render(request, "reports/archive.html", {"reports": list(reports[:LIST_LIMIT]), "number": number})


@never_cache
@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report: Report = report_get(request.user, pk)
        content = report_open(actor=request.user, report=report)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credit-report-{report.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _certificate() -> signing.SigningMaterial | None:
    try:
        return signing.signing_material()
    except ConfigurationError:
        return None


@require_GET
def certificate(request: HttpRequest) -> HttpResponse:
    material = _certificate()
    return render(request, "reports/certificate.html", {"material": material}, status=200 if material else 503)


@require_GET
def certificate_pem(request: HttpRequest) -> HttpResponse:
    material = _certificate()
    if material is None:
        raise Http404("平台报告签章证书尚未配置")
    response = HttpResponse(material.cert_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="pubcredit-report-signing.pem"'
    return response
