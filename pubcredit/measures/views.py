"""Measure pages: the measure list for everyone signed in; a department's task queue and its
credit checks; the loops the initiating department and the authority watch. Thin: forms in,
services and selectors out; others' tasks and checks answer 404.
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

from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.measures.forms import CheckFeedbackForm, CheckForm, TaskFeedbackForm
from pubcredit.measures.models import CheckOutcome, Measure, MeasureTask, TaskState
from pubcredit.measures.selectors import (
    check_get,
    checks_visible_to,
    loops_visible_to,
    task_get,
    task_queue,
    user_department,
    user_implements_for,
    user_oversees_measures,
)
from pubcredit.measures.services import check_feedback, credit_check_run, task_feedback
from pubcredit.subjects.selectors import subject_find_by_id_number, subject_find_by_uscc

LIST_LIMIT = 200


def _department(request: HttpRequest) -> int | None:
    return user_implements_for(request.user)


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """The measure list (措施清单): mandatory and recommended, rewards and sanctions (方案 五（六）)."""
    measures = list(Measure.objects.filter(active=True).select_related("department").prefetch_related("list_types"))
    return render(request, "measures/catalogue.html", {"measures": measures})


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if _department(request) is None:
        raise DjangoPermissionDenied("只有实施部门的工作人员可以办理联合奖惩任务")
    open_tasks = list(task_queue(request.user).order_by("due_on", "pk")[:LIST_LIMIT])
    done = list(
        task_queue(request.user, include_done=True).exclude(state=TaskState.OPEN).order_by("-fed_back_at", "-pk")[:50]
    )
    return render(
        request,
        "measures/queue.html",
        {"open_tasks": open_tasks, "done": done, "form": TaskFeedbackForm(), "today": timezone.localdate()},
    )


@require_POST
@login_required
def task_feedback_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task: MeasureTask = task_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = TaskFeedbackForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("measures:queue")
    try:
        task_feedback(
            actor=request.user,
            task=task,
            state=form.cleaned_data["state"],
            note=form.cleaned_data.get("note") or "",
            applied_on=form.cleaned_data.get("applied_on"),
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已反馈：{task.entry.subject.name} · {task.measure.name}")
    return redirect("measures:queue")


@require_GET
@login_required
def loops(request: HttpRequest) -> HttpResponse:
    """发起—响应—反馈: each entry's tasks, closed or open, with overdue flags."""
    if _department(request) is None and not user_oversees_measures(request.user):
        raise DjangoPermissionDenied("只有发起部门、主管部门和信用中心可以查看联合奖惩反馈情况")
    open_only = request.GET.get("open") == "1"
    return render(
        request,
        "measures/loops.html",
        {"loops": loops_visible_to(request.user, open_only=open_only), "open_only": open_only},
    )


@require_http_methods(["GET", "POST"])
@login_required
def checks(request: HttpRequest) -> HttpResponse:
    """Run a credit check (信用核查) from a department's desk, and see the department's checks."""
    department_id = user_department(request.user)
    if department_id is None and not user_oversees_measures(request.user):
        raise DjangoPermissionDenied("只有政府部门的工作人员可以进行信用核查")
    status = 200
    form = CheckForm(request.POST or None)
    if request.method == "POST":
        if department_id is None:
            raise DjangoPermissionDenied("只有政府部门的工作人员可以进行信用核查")
        if form.is_valid():
            code = form.cleaned_data["subject_code"].strip().upper()
            subject = subject_find_by_uscc(code) or subject_find_by_id_number(code)
            if subject is None:
                form.add_error("subject_code", "未找到该代码或号码对应的信用主体")
            else:
                try:
                    check = credit_check_run(
                        actor=request.user,
                        subject=subject,
                        business_type=form.cleaned_data["business_type"],
                        business_reference=form.cleaned_data.get("business_reference") or "",
                    )
                except PermissionDenied as exc:
                    raise DjangoPermissionDenied(exc.message) from exc
                except ValidationFailed as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    return redirect("measures:check", number=check.number)
        status = 400
    recent = list(checks_visible_to(request.user)[:50])
    return render(
        request,
        "measures/checks.html",
        {"form": form, "recent": recent, "may_check": department_id is not None},
        status=status,
    )


def _check_or_404(request: HttpRequest, number: str) -> Any:
    try:
        return check_get(request.user, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _offered(check: Any) -> list[tuple[str, str]]:
    return [(m["code"], m["name"]) for m in check.result.get("measures", [])]


@require_GET
@login_required
def check_detail(request: HttpRequest, number: str) -> HttpResponse:
    check = _check_or_404(request, number)
    return render(
        request,
        "measures/check.html",
        {
            "check": check,
            "result": check.result,
            "may_feed_back": check.outcome == CheckOutcome.PENDING
            and user_department(request.user) == check.organisation_id,
            "form": CheckFeedbackForm(offered=_offered(check)),
        },
    )


@require_POST
@login_required
def check_feedback_view(request: HttpRequest, number: str) -> HttpResponse:
    check = _check_or_404(request, number)
    form = CheckFeedbackForm(request.POST, offered=_offered(check))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("measures:check", number=check.number)
    try:
        check_feedback(
            actor=request.user,
            check=check,
            outcome=form.cleaned_data["outcome"],
            measures=form.cleaned_data.get("measures") or [],
            note=form.cleaned_data.get("note") or "",
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"核查 {check.number} 的执行情况已反馈。")
    return redirect("measures:check", number=check.number)
