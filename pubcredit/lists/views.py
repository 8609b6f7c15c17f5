"""List pages: published lists for everyone; a department enters subjects and ends its entries;
the centre sees all. Thin: forms in, services and selectors out. An entry someone may not see
answers 404, a page for a role the user does not hold answers 403.
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

from pubcredit.accounts.actors import actor_may
from pubcredit.core.downloads import private_download
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.lists.forms import EntryForm, ExitForm, VoidForm
from pubcredit.lists.models import EntryState, ListEntry, ListKind
from pubcredit.lists.rules import published_kinds
from pubcredit.lists.selectors import (
    list_entries_visible_to,
    list_entry_get,
    list_types_for,
    published_entries,
    user_lists_for,
    user_oversees_lists,
)
from pubcredit.lists.services import list_entry_create, list_entry_exit, list_entry_void
from pubcredit.measures.selectors import tasks_visible_to
from pubcredit.policy import get_policy
from pubcredit.records.models import Record
from pubcredit.subjects.selectors import subject_find_by_id_number, subject_find_by_uscc

LIST_LIMIT = 200


def _get_or_404(request: HttpRequest, pk: int) -> ListEntry:
    try:
        return list_entry_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def public(request: HttpRequest, kind: str) -> HttpResponse:
    """A published list (公示), per the pack's `lists.published_kinds`."""
    if kind not in ListKind.values or kind not in published_kinds(get_policy(on=timezone.localdate())):
        raise Http404("该名单不向社会公布")
    return render(
        request,
        "lists/public.html",
        {"kind_label": ListKind(kind).label, "entries": published_entries(kind), "kind": kind},
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    department_id = user_lists_for(request.user)
    if department_id is None and not user_oversees_lists(request.user):
        raise DjangoPermissionDenied("只有认定部门和信用中心可以管理名单")
    entries = list_entries_visible_to(request.user)
    if department_id is not None and not user_oversees_lists(request.user):
        entries = entries.filter(department_id=department_id)
    state = request.GET.get("state", EntryState.IN_FORCE)
    if state in EntryState.values:
        entries = entries.filter(state=state)
    shown = list(entries.order_by("-starts_on", "-id")[:LIST_LIMIT])
    return render(
        request,
        "lists/index.html",
        {
            "entries": shown,
            "state": state,
            "states": EntryState.choices,
            "may_create": department_id is not None,
            "truncated": len(shown) >= LIST_LIMIT,
        },
    )


def _find_subject(code: str) -> Any:
    text = code.strip().upper()
    return subject_find_by_uscc(text) or subject_find_by_id_number(text)


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    if user_lists_for(request.user) is None:
        raise DjangoPermissionDenied("只有信息提供单位的工作人员可以认定名单")
    types = list_types_for(request.user)
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, list_types=types)
        if form.is_valid():
            data = form.cleaned_data
            subject = _find_subject(data["subject_code"])
            if subject is None:
                form.add_error("subject_code", "未找到该代码或号码对应的信用主体")
            else:
                records = list(Record.objects.filter(pk__in=data["records"]))
                missing = sorted(set(data["records"]) - {r.pk for r in records})
                if missing:
                    form.add_error("records", f"信用记录 {missing[0]} 不存在")
                else:
                    try:
                        entry = list_entry_create(
                            actor=request.user,
                            list_type=data["list_type"],
                            subject=subject,
                            decision_number=data["decision_number"],
                            reason=data["reason"],
                            decided_on=data["decided_on"],
                            starts_on=data.get("starts_on"),
                            repair_notice=data.get("repair_notice") or "",
                            records=records,
                            decision_file=data.get("decision_file"),
                        )
                    except PermissionDenied as exc:
                        raise DjangoPermissionDenied(exc.message) from exc
                    except ValidationFailed as exc:
                        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                    else:
                        messages.success(request, f"已列入“{entry.list_type.name}”，名单编号 {entry.number}。")
                        return redirect("lists:detail", pk=entry.pk)
        status = 400
    else:
        form = EntryForm(list_types=types)
    return render(request, "lists/create.html", {"form": form}, status=status)


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_or_404(request, pk)
    staff = user_oversees_lists(request.user) or user_lists_for(request.user) == entry.department_id
    may_act = staff and (user_lists_for(request.user) == entry.department_id or _centre(request))
    context: dict[str, Any] = {
        "entry": entry,
        "staff": staff,
        "records": list(entry.basis_records.select_related("item")) if staff else [],
        "tasks": list(tasks_visible_to(request.user).filter(entry=entry)) if staff else [],
        "may_exit": may_act and entry.state == EntryState.IN_FORCE,
        "may_void": may_act and entry.state != EntryState.VOID,
        "exit_form": ExitForm(prefix="exit"),
        "void_form": VoidForm(prefix="void"),
    }
    return render(request, "lists/detail.html", context)


def _centre(request: HttpRequest) -> bool:
    return actor_may(request.user, Role.OPERATOR, Role.AUTHORITY)


def _act(request: HttpRequest, pk: int, *, void: bool) -> HttpResponse:
    entry = _get_or_404(request, pk)
    form: ExitForm | VoidForm = VoidForm(request.POST, prefix="void") if void else ExitForm(request.POST, prefix="exit")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("lists:detail", pk=entry.pk)
    try:
        if void:
            list_entry_void(actor=request.user, entry=entry, note=form.cleaned_data["note"])
        else:
            list_entry_exit(
                actor=request.user,
                entry=entry,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                reference=form.cleaned_data.get("reference") or "",
            )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"名单条目 {entry.number} 已撤销，已通知据此采取措施的部门恢复信誉。"
            if void
            else f"名单条目 {entry.number} 已移出。",
        )
    return redirect("lists:detail", pk=entry.pk)


@require_POST
@login_required
def exit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, void=False)


@require_POST
@login_required
def void_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, void=True)


@never_cache
@require_GET
@login_required
def decision_file(request: HttpRequest, pk: int) -> FileResponse:
    """The decision document, to the issuing department and the centre only, as a download."""
    entry = _get_or_404(request, pk)
    if not (user_oversees_lists(request.user) or user_lists_for(request.user) == entry.department_id):
        raise Http404("认定决定书不存在或无权查看")
    if not entry.decision_file:
        raise Http404("该条目没有上传认定决定书")
    return private_download(default_storage.open(entry.decision_file, "rb"), filename=entry.decision_file_name)
