"""Objection pages: the applicant's list, form and detail, the credit centre's desk and counter entry,
the provider's queue and the authority's review queue.

Thin: forms in, services and selectors out. An application someone may not see answers 404, not
403, so that ids reveal nothing; a page for a role the user does not hold answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.accounts.actors import actor_may
from pubcredit.core.downloads import private_download
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.objections import rules
from pubcredit.objections.forms import (
    AnswerForm,
    CloseForm,
    CounterForm,
    DisagreeForm,
    ObjectionForm,
    ReviewForm,
    SubjectLookupForm,
    parse_lines,
)
from pubcredit.objections.models import ItemState, Objection, ObjectionItem, ObjectionState
from pubcredit.objections.selectors import (
    evidence_get,
    objectable_records,
    objection_evidence,
    objection_get,
    objection_items,
    objections_of_subject,
    operator_desk,
    provider_organisation,
    provider_queue,
    review_queue,
    subject_of,
)
from pubcredit.objections.services import (
    CheckAction,
    CheckDecision,
    evidence_open,
    is_operator,
    may_disagree,
    objection_answer,
    objection_check,
    objection_close,
    objection_disagree,
    objection_enter,
    objection_file,
    objection_review,
    policy_of,
)
from pubcredit.records.models import Record
from pubcredit.subjects.selectors import subject_find_by_id_number, subject_find_by_uscc, subject_get

CHECK_ACTIONS = [
    (CheckAction.FORWARD, "转信息提供单位核查"),
    (CheckAction.PLATFORM_CORRECT, "平台原因：更正记录"),
    (CheckAction.PLATFORM_WITHDRAW, "平台原因：撤销记录（如超过披露期限）"),
]


def _get_or_404(request: HttpRequest, pk: int) -> Objection:
    try:
        return objection_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _selected(form: ObjectionForm, records: list[Record]) -> list[Record]:
    wanted = {int(pk) for pk in form.cleaned_data["records"]}
    return [record for record in records if record.pk in wanted]


def _fail(form: ObjectionForm, exc: ValidationFailed) -> None:
    name = exc.field if exc.field in form.fields else None
    form.add_error(name, exc.message)


@require_GET
@login_required
def objection_mine(request: HttpRequest) -> HttpResponse:
    if subject_of(request.user) is None:
        raise DjangoPermissionDenied("只有信用主体账号可以查看本主体的异议申请")
    return render(request, "objections/mine.html", {"objections": list(objections_of_subject(request.user)[:200])})


@require_http_methods(["GET", "POST"])
@login_required
def objection_new(request: HttpRequest) -> HttpResponse:
    subject_id = subject_of(request.user)
    if subject_id is None:
        raise DjangoPermissionDenied("只有信用主体账号可以提出异议申请")
    records = list(objectable_records(subject_id))
    chosen = request.GET.get("record", "")
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES, records=records)
        if form.is_valid():
            try:
                objection = objection_file(
                    actor=request.user,
                    records=_selected(form, records),
                    ground=form.cleaned_data["ground"],
                    statement=form.cleaned_data["statement"],
                    evidence=form.cleaned_data["evidence"],
                    by_agent=form.cleaned_data["by_agent"],
                    authorisation_ref=form.cleaned_data["authorisation_ref"],
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except ValidationFailed as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"异议申请已提交（编号 {objection.number}），平台将在时限内核查。")
                return redirect("objections:detail", pk=objection.pk)
    else:
        form = ObjectionForm(records=records, initial={"records": [chosen]} if chosen else None)
    return render(
        request,
        "objections/new.html",
        {"form": form, "has_records": bool(records)},
        status=400 if request.method == "POST" else 200,
    )


PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")


def _public_labels(objection: Objection, items: list[ObjectionItem]) -> dict[int, str]:
    """What the public sees of each disputed record today, through the one disclosure decision."""
    shown = {entry.record.pk: entry.decision for entry in records_disclosed(viewer=PUBLIC, subject=objection.subject)}
    labels: dict[int, str] = {}
    for item in items:
        decision = shown.get(item.record_id)
        if decision is None:
            labels[item.record_id] = "不对社会公开"
        elif decision.annotations:
            labels[item.record_id] = "公开，标注：" + "；".join(decision.annotations)
        else:
            labels[item.record_id] = "公开"
    return labels


def _stages(objection: Objection, items: list[ObjectionItem]) -> list[dict[str, Any]]:
    """Each stage with its due date and when it was done, for the detail page."""
    stages: list[dict[str, Any]] = [
        {"name": "收到申请", "due": None, "done": objection.received_on},
        {"name": "平台核查", "due": objection.check_due_on, "done": objection.checked_on},
    ]
    forwarded = [item.forwarded_on for item in items if item.forwarded_on is not None]
    if objection.forward_due_on or forwarded:
        done = min(forwarded) if forwarded else None
        stages.append({"name": "转信息提供单位核查", "due": objection.forward_due_on, "done": done})
    for item in items:
        if item.forwarded_on:
            stages.append(
                {
                    "name": f"提供单位答复（记录 {item.record_id}）",
                    "due": item.provider_due_on,
                    "done": item.answered_on if item.state == ItemState.DONE else None,
                    "overdue": item.overdue,
                }
            )
    if objection.answered_on or objection.notice_due_on:
        stages.append({"name": "告知申请人", "due": objection.notice_due_on, "done": objection.closed_on})
    if objection.review_requested_on:
        done = objection.closed_on if objection.state == ObjectionState.CLOSED and objection.review_result else None
        stages.append({"name": "复核", "due": objection.review_due_on, "done": done})
    if objection.total_due_on:
        stages.append({"name": "办理总时限", "due": objection.total_due_on, "done": objection.answered_on})
    return stages


@require_GET
@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_or_404(request, pk)
    items = objection_items(objection)
    public = _public_labels(objection, items)
    for item in items:
        item.public_label = public[item.record_id]  # type: ignore[attr-defined]
    policy = policy_of(objection)
    user = request.user
    operator = is_operator(user)
    organisation_id = provider_organisation(user)
    answerable = [
        item
        for item in items
        if organisation_id is not None
        and item.provider_id == organisation_id
        and item.state == ItemState.VERIFYING
        and objection.state == ObjectionState.VERIFYING
    ]
    own = subject_of(user) == objection.subject_id
    context: dict[str, Any] = {
        "objection": objection,
        "items": items,
        "evidence": objection_evidence(objection),
        "stages": _stages(objection, items),
        "policy": policy,
        "effect_article": rules.cite(policy, rules.EFFECT_WHILE_OPEN),
        "suspends": rules.suspends_while_open(policy),
        "operator": operator,
        "may_check": operator and objection.state == ObjectionState.CHECKING,
        "check_actions": CHECK_ACTIONS,
        "answerable": [(item, AnswerForm(prefix=f"item{item.pk}")) for item in answerable],
        "may_close": operator and objection.state == ObjectionState.ANSWERED,
        "close_form": CloseForm(),
        "may_disagree": own and may_disagree(objection, policy),
        "disagree_follow": rules.after_confirmed_disagreement(policy),
        "disagree_form": DisagreeForm(),
        "may_review": actor_may(user, Role.AUTHORITY) and objection.state == ObjectionState.REVIEW,
        "review_form": ReviewForm(),
        "own": own,
    }
    return render(request, "objections/detail.html", context)


def _errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _act(request: HttpRequest, objection: Objection, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("objections:detail", pk=objection.pk)


@require_POST
@login_required
def objection_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_or_404(request, pk)
    decisions: dict[int, CheckDecision] = {}
    for item in objection_items(objection):
        action = request.POST.get(f"action_{item.pk}", CheckAction.FORWARD)
        try:
            data = parse_lines(request.POST.get(f"data_{item.pk}", ""))
        except ValueError as exc:
            messages.error(request, f"记录 {item.record_id} 的更正内容“{exc}”格式应为“字段名=新值”")
            return redirect("objections:detail", pk=objection.pk)
        decisions[item.pk] = CheckDecision(action, request.POST.get(f"reason_{item.pk}", ""), data or None)

    def run() -> None:
        objection_check(actor=request.user, objection=objection, decisions=decisions)

    return _act(request, objection, run, f"异议 {objection.number} 已完成平台核查。")


@require_POST
@login_required
def objection_answer_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    objection = _get_or_404(request, pk)
    item = next((i for i in objection_items(objection) if i.pk == item_pk), None)
    if item is None:
        raise Http404(f"异议 {objection.number} 没有信息项 {item_pk}")
    form = AnswerForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        _errors(request, form)
        return redirect("objections:detail", pk=objection.pk)
    try:
        data = parse_lines(form.cleaned_data["values"])
    except ValueError as exc:
        messages.error(request, f"更正内容“{exc}”格式应为“字段名=新值”")
        return redirect("objections:detail", pk=objection.pk)

    def run() -> None:
        objection_answer(
            actor=request.user,
            objection=objection,
            item=item,
            answer=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"],
            data=data or None,
        )

    return _act(request, objection, run, f"已答复记录 {item.record_id} 的核查结果。")


@require_POST
@login_required
def objection_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_or_404(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("objections:detail", pk=objection.pk)

    def run() -> None:
        objection_close(actor=request.user, objection=objection, note=form.cleaned_data["note"])

    return _act(request, objection, run, f"异议 {objection.number} 已告知申请人并办结。")


@require_POST
@login_required
def objection_disagree_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_or_404(request, pk)
    form = DisagreeForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("objections:detail", pk=objection.pk)

    def run() -> None:
        objection_disagree(actor=request.user, objection=objection, text=form.cleaned_data["text"])

    return _act(request, objection, run, "您的异议及理由已提交。")


@require_POST
@login_required
def objection_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_or_404(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("objections:detail", pk=objection.pk)

    def run() -> None:
        objection_review(
            actor=request.user,
            objection=objection,
            result=form.cleaned_data["result"],
            reason=form.cleaned_data["reason"],
        )

    return _act(request, objection, run, f"异议 {objection.number} 的复核决定已作出。")


@require_GET
@login_required
def objection_desk(request: HttpRequest) -> HttpResponse:
    if not is_operator(request.user):
        raise DjangoPermissionDenied("只有信用中心工作人员可以使用异议受理台")
    return render(request, "objections/desk.html", {"desk": operator_desk()})


def _require_operator_page(request: HttpRequest) -> None:
    if not is_operator(request.user):
        raise DjangoPermissionDenied("只有信用中心工作人员可以录入窗口异议申请")


@require_http_methods(["GET", "POST"])
@login_required
def objection_counter(request: HttpRequest) -> HttpResponse:
    """Entering a written application received at the counter, step 1: find the subject.

    Posted, never in the URL: a person is found by the ID number on the application.
    """
    _require_operator_page(request)
    lookup = SubjectLookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        identifier = lookup.cleaned_data["identifier"]
        subject = subject_find_by_uscc(identifier) or subject_find_by_id_number(identifier)
        if subject is not None:
            return redirect("objections:counter_entry", subject_pk=subject.pk)
        lookup.add_error("identifier", "未找到该统一社会信用代码或身份证号码对应的信用主体")
    status = 400 if lookup.errors else 200
    return render(request, "objections/counter.html", {"lookup": lookup, "subject": None}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def objection_counter_entry(request: HttpRequest, subject_pk: int) -> HttpResponse:
    """Step 2: the application's content, its receiving day and the scanned evidence."""
    _require_operator_page(request)
    try:
        subject = subject_get(subject_pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    records = list(objectable_records(subject.pk))
    if request.method == "POST":
        form = CounterForm(request.POST, request.FILES, records=records)
        if form.is_valid():
            try:
                objection = objection_enter(
                    actor=request.user,
                    subject=subject,
                    records=_selected(form, records),
                    ground=form.cleaned_data["ground"],
                    statement=form.cleaned_data["statement"],
                    received_on=form.cleaned_data["received_on"],
                    evidence=form.cleaned_data["evidence"],
                    by_agent=form.cleaned_data["by_agent"],
                    authorisation_ref=form.cleaned_data["authorisation_ref"],
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except ValidationFailed as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"窗口异议申请已录入（编号 {objection.number}）。")
                return redirect("objections:detail", pk=objection.pk)
    else:
        form = CounterForm(records=records)
    context = {"subject": subject, "form": form, "has_records": bool(records), "lookup": None}
    return render(request, "objections/counter.html", context, status=400 if request.method == "POST" else 200)


@require_GET
@login_required
def objection_provider_queue(request: HttpRequest) -> HttpResponse:
    organisation_id = provider_organisation(request.user)
    if organisation_id is None:
        raise DjangoPermissionDenied("只有信息提供单位的工作人员可以查看待核查的异议")
    return render(request, "objections/provider.html", {"items": provider_queue(organisation_id)})


@require_GET
@login_required
def objection_review_queue(request: HttpRequest) -> HttpResponse:
    if not actor_may(request.user, Role.AUTHORITY):
        raise DjangoPermissionDenied("只有主管部门工作人员可以办理复核")
    return render(request, "objections/review.html", {"objections": review_queue()})


@never_cache
@require_GET
@login_required
def objection_evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to those who may see the application, always as a download."""
    try:
        evidence = evidence_get(request.user, pk)
        handle = evidence_open(actor=request.user, evidence=evidence)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return private_download(handle, filename=evidence.file_name, content_type=evidence.content_type)
