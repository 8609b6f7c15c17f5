"""The public portal's pages: thin views over the subjects and catalogue selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from pubcredit.accounts.forms import SignInForm
from pubcredit.accounts.lockout import LoginLocked, login_failure_record, login_lock_check
from pubcredit.accounts.models import User
from pubcredit.accounts.second_factor import (
    Step,
    second_factor_step,
    totp_enrolment_confirm,
    totp_enrolment_pending,
    totp_enrolment_start,
    totp_verify,
)
from pubcredit.accounts.signin import pending_clear, pending_next, pending_start, pending_user, sign_in_complete
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.rules import INFO_CLASSES
from pubcredit.catalog.selectors import catalog_item_get, catalog_items_published
from pubcredit.core.client_address import client_address
from pubcredit.core.errors import DomainError, NotFound
from pubcredit.disclosure.selectors.records import group_disclosed, records_disclosed
from pubcredit.disclosure.services.record_views import is_staff_viewer
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.disclosure.views.records import staff_record_panel
from pubcredit.lists.models import ListKind
from pubcredit.lists.rules import published_kinds
from pubcredit.lists.selectors import published_entries_of
from pubcredit.policy import get_policy
from pubcredit.portal.forms import ID_NUMBER_REFUSAL, MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, SearchForm
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.ratelimit import search_rate_check, search_rate_refused
from pubcredit.subjects.selectors import subject_get, subject_search

SEARCH_LIMIT = 20
PUBLIC_VIEWER = Viewer(kind=ViewerKind.PUBLIC, label="公众")


def _htmx_partial(request: HttpRequest) -> bool:
    """An htmx request wants a fragment, except when htmx restores history and wants the page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _search_context(query: str = "") -> dict[str, Any]:
    return {
        "query": query,
        "min_query_length": MIN_QUERY_LENGTH,
        "max_query_length": MAX_QUERY_LENGTH,
        "id_number_refusal": ID_NUMBER_REFUSAL,
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    shown = published_kinds(get_policy(on=timezone.localdate()))
    lists = [(kind.value, kind.label) for kind in ListKind if kind.value in shown]
    return render(request, "portal/home.html", {**_search_context(), "published_lists": lists})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    partial = _htmx_partial(request)
    if form.is_bound and not (limit := search_rate_check(request)).allowed:
        return search_rate_refused(request, limit, partial=partial)
    if form.refused_id_number:
        # Nothing is searched and the number is not echoed; the browser is sent to a URL without it.
        if not partial:
            messages.error(request, ID_NUMBER_REFUSAL)
            return redirect("portal:search")
        context = {**_search_context(), "error": ID_NUMBER_REFUSAL, "refused": True}
        response = render(request, "portal/_search_results.html", context)
        response["HX-Push-Url"] = "false"
        return response

    context = _search_context()
    subjects: list[Subject] | None = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        context["query"] = query
        if query:
            subjects = subject_search(query, limit=SEARCH_LIMIT)
    elif form.is_bound:
        context["query"] = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
        context["error"] = form.errors["q"][0]
    context["subjects"] = subjects
    context["truncated"] = subjects is not None and len(subjects) >= SEARCH_LIMIT
    return render(request, "portal/_search_results.html" if partial else "portal/search.html", context)


@require_GET
def subject_detail(request: HttpRequest, subject_id: int) -> HttpResponse:
    try:
        subject = subject_get(subject_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if subject.kind != SubjectKind.ORG:
        # The public portal shows organisations only: natural persons' information is not public
        # by default (西安 第十七条), and a person's page would confirm that the person is recorded.
        raise Http404("未找到该组织")
    public = records_disclosed(viewer=PUBLIC_VIEWER, subject=subject)
    context: dict[str, Any] = {
        "subject": subject,
        "groups": group_disclosed(public, public=True),
        "list_entries": published_entries_of(subject.pk),
    }
    if is_staff_viewer(request.user):
        # Operators state a reason, then see why each record is or is not public; the look is logged.
        context |= staff_record_panel(request, subject)
    return render(request, "portal/subject_detail.html", context)


@dataclass
class CatalogGroup:
    info_class: str
    label: str
    items: list[CatalogItem] = field(default_factory=list)


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    groups = {code: CatalogGroup(code, label) for code, label in INFO_CLASSES.items()}
    for item in catalog_items_published():
        groups[item.info_class].items.append(item)
    shown = [group for group in groups.values() if group.items]
    return render(request, "portal/catalog_list.html", {"groups": shown})


@require_GET
def catalog_item(request: HttpRequest, code: str) -> HttpResponse:
    try:
        item = catalog_item_get(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "portal/catalog_item.html", {"item": item})


class LoginView(auth_views.LoginView):
    """The password step. Staff roles that need a second factor continue to the code or the
    enrolment page; everyone else is signed in here."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.get_user()
        step, deadline = second_factor_step(user)
        if step in (Step.VERIFY, Step.ENROL):
            pending_start(self.request, user, self.get_redirect_url())
            return redirect("portal:login_verify" if step == Step.VERIFY else "portal:login_enrol")
        sign_in_complete(self.request, user)
        messages.success(self.request, f"{user.display_name or user.get_username()}，您已登录。")
        if step == Step.GRACE and deadline is not None:
            messages.warning(
                self.request,
                f"请于{timezone.localtime(deadline):%Y-%m-%d %H:%M}前绑定动态口令（第二重身份验证，"
                f"绑定页面：{reverse('portal:login_enrol')}），逾期后须先绑定才能登录。",
            )
        return HttpResponseRedirect(self.get_success_url())


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _restart_sign_in(request: HttpRequest, message: str) -> HttpResponse:
    pending_clear(request)
    messages.error(request, message)
    return redirect("portal:login")


def _code_failed(request: HttpRequest, user: User) -> HttpResponse | None:
    """A wrong code counts against the username like a wrong password; the lock ends the try."""
    until = login_failure_record(user.get_username(), client=client_address(request))
    if until is not None:
        return _restart_sign_in(request, LoginLocked(until).message)
    return None


@never_cache
@sensitive_post_parameters("code")
@csrf_protect
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code from the user's authenticator."""
    user = pending_user(request)
    if user is None:
        return _restart_sign_in(request, "登录已超时，请重新输入用户名和密码。")
    error = ""
    if request.method == "POST":
        try:
            login_lock_check(user.get_username())
            totp_verify(user=user, code=request.POST.get("code", ""))
        except LoginLocked as exc:
            return _restart_sign_in(request, exc.message)
        except DomainError as exc:
            if (ended := _code_failed(request, user)) is not None:
                return ended
            error = exc.message
        else:
            next_url = _safe_next(request, pending_next(request))
            sign_in_complete(request, user)
            messages.success(request, f"{user.display_name or user.get_username()}，您已登录。")
            return HttpResponseRedirect(next_url)
    return render(request, "portal/login_verify.html", {"error": error})


@never_cache
@sensitive_post_parameters("code")
@csrf_protect
def login_enrol(request: HttpRequest) -> HttpResponse:
    """Binding an authenticator: during a pending sign-in that requires it, or by a signed-in
    staff member in the grace period. The secret is shown on this page only, never again."""
    signed_in = request.user.is_authenticated
    user = request.user if signed_in else pending_user(request)
    if not isinstance(user, User):
        return _restart_sign_in(request, "登录已超时，请重新输入用户名和密码。")
    error = ""
    if request.method == "POST":
        try:
            if not signed_in:
                login_lock_check(user.get_username())
            totp_enrolment_confirm(actor=user, code=request.POST.get("code", ""))
        except LoginLocked as exc:
            return _restart_sign_in(request, exc.message)
        except DomainError as exc:
            if not signed_in and (ended := _code_failed(request, user)) is not None:
                return ended
            error = exc.message
        else:
            messages.success(request, "动态口令已绑定：以后每次登录，输入密码后还需输入验证器中的6位动态口令。")
            if signed_in:
                return redirect(settings.LOGIN_REDIRECT_URL)
            next_url = _safe_next(request, pending_next(request))
            sign_in_complete(request, user)
            return HttpResponseRedirect(next_url)
    try:
        secret, uri = totp_enrolment_start(actor=user) if not error else totp_enrolment_pending(actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(settings.LOGIN_REDIRECT_URL if signed_in else "portal:login")
    context = {"secret": secret, "uri": uri, "error": error, "signed_in": signed_in}
    return render(request, "portal/login_enrol.html", context)


class LogoutView(auth_views.LogoutView):
    """Logout is a POST (Django refuses GET), so a link or a prefetch cannot end a session."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, "您已安全退出。")
        return response
