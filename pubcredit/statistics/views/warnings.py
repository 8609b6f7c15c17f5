"""Early-warning pages: the list (filter by kind and state, newest first, paginated) and the
handle action. Thin: the selectors decide who sees which warning, the service who may handle it.

Anonymous users are sent to sign in; a signed-in user who sees no warnings at all (a subject, an
auditor, the public) gets 403, as on the other staff pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pubcredit.core.errors import DomainError, NotFound, PermissionDenied
from pubcredit.statistics.models import WarningKind, WarningState
from pubcredit.statistics.warning_selectors import (
    warnings_list,
    warnings_oversees,
    warnings_own_organisation_id,
    warnings_visible_to,
)
from pubcredit.statistics.warning_services import NOTE_MAX, warning_handle, warning_may_handle

PAGE_SIZE = 50
REFUSED = "只有信用中心、主管部门以及信息提供单位和使用单位的工作人员可以查看预警"


class WarningFilterForm(forms.Form):
    kind = forms.ChoiceField(label="预警类型", required=False, choices=[("", "全部"), *WarningKind.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *WarningState.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = "预警类型“%(value)s”不存在，请从列表中选择"
        self.fields["state"].error_messages["invalid_choice"] = "预警状态“%(value)s”不存在，请从列表中选择"


def _may_see_warnings(request: HttpRequest) -> bool:
    return warnings_oversees(request.user) or warnings_own_organisation_id(request.user) is not None


@require_GET
@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    if not _may_see_warnings(request):
        raise DjangoPermissionDenied(REFUSED)
    form = WarningFilterForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{error}；该条件未生效")
    # A valid filter still applies when the other one is refused.
    kind = form.cleaned_data.get("kind") or ""
    state = form.cleaned_data.get("state") or ""
    page = Paginator(warnings_list(request.user, kind=kind or None, state=state or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(warning, warning_may_handle(request.user, warning)) for warning in page.object_list]
    query = "&".join(f"{name}={value}" for name, value in (("kind", kind), ("state", state)) if value)
    return render(
        request,
        "statistics/warnings.html",
        {
            "form": form,
            "kind": kind,
            "state": state,
            "page": page,
            "rows": rows,
            "query": query,
            "note_max": NOTE_MAX,
            "kinds": WarningKind.choices,
            "states": WarningState.choices,
            "oversees": warnings_oversees(request.user),
        },
    )


@require_POST
@login_required
def warning_handle_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_see_warnings(request):
        raise DjangoPermissionDenied(REFUSED)
    if not warnings_visible_to(request.user).filter(pk=pk).exists():
        raise Http404(f"未找到编号为 {pk} 的预警")
    try:
        warning = warning_handle(actor=request.user, warning_id=pk, note=request.POST.get("note", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, f"预警 {pk} 未处理：{exc.message}")
    else:
        messages.success(request, f"已处理预警：{warning.title}")
    return redirect("statistics:warnings")
