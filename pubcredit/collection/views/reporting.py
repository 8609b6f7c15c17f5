"""Timeliness pages (报送及时性): the centre's and authority's overview, a provider's own page.

Thin: selectors out. Who sees what is decided by the selectors (`*_visible_to`); a page for a
role the user does not hold answers 403, and a provider's staff opening the overview are sent
to their own page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pubcredit.accounts.actors import actor_may
from pubcredit.accounts.models import Organisation, ReportingFrequency
from pubcredit.collection import rules
from pubcredit.collection.models import NoticeStage, ReportingDuty, ReportingNotice
from pubcredit.collection.selectors.reporting import (
    ItemTimeliness,
    ProviderTimeliness,
    reporting_criticism_list,
    reporting_duties_overdue,
    reporting_duties_visible_to,
    reporting_item_names,
    reporting_late_records,
    reporting_notices_of_provider,
    reporting_notices_open,
    reporting_oversees,
    reporting_own_provider_id,
    reporting_timeliness,
)
from pubcredit.core.roles import Role
from pubcredit.policy import get_policy

LIST_LIMIT = 200
LATE_RECORDS_SHOWN = 20
DEFAULT_SPAN = timedelta(days=364)  # 近一年, today included


class RangeForm(forms.Form):
    start = forms.DateField(label="报送日期自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(f"起始日期 {start.isoformat()} 晚于截止日期 {end.isoformat()}")
        return data


def _range(request: HttpRequest, today: date) -> tuple[RangeForm, date, date]:
    form = RangeForm(request.GET or None)
    start, end = today - DEFAULT_SPAN, today
    if form.is_bound and form.is_valid():
        end = form.cleaned_data.get("end") or end
        start = form.cleaned_data.get("start") or end - DEFAULT_SPAN
    return form, start, end


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@dataclass
class RateRow:
    summary: ProviderTimeliness
    rate: str
    items: list[tuple[ItemTimeliness, str]]


def _rate_rows(rows: list[ProviderTimeliness]) -> list[RateRow]:
    return [RateRow(r, _percent(r.rate), [(i, _percent(i.rate)) for i in r.by_item]) for r in rows]


@dataclass
class DutyRow:
    duty: ReportingDuty
    item_name: str
    frequency: str
    days_overdue: int


def duty_rows(duties: list[ReportingDuty], today: date) -> list[DutyRow]:
    names = reporting_item_names(d.item_code for d in duties)
    labels = dict(ReportingFrequency.choices)
    rows = []
    for duty in duties:
        overdue = max(0, (today - duty.next_due_on).days)
        rows.append(DutyRow(duty, names.get(duty.item_code, ""), labels.get(duty.frequency, duty.frequency), overdue))
    return rows


def _rule(today: date) -> dict[str, Any]:
    """What the pack in force says about late providers, for the page's explanation."""
    policy = get_policy(on=today)
    late = policy.param(rules.LATE_PROVIDER_KEY)
    stages = rules.late_provider_stages(policy)
    return {
        "pack_name": policy.name,
        "late_article": late.article,
        "late_note": late.note,
        "stages": [NoticeStage(s).label for s in stages if s is not None] if stages else [],
        "grace_days": policy.integer(rules.GRACE_KEY),
        "grace_article": policy.param(rules.GRACE_KEY).article,
        "deadline_days": policy.integer(rules.DEADLINE_KEY),
        "deadline_article": rules.deadline_article(policy),
    }


@require_GET
@login_required
def reporting_overview(request: HttpRequest) -> HttpResponse:
    """The centre's and the authority's page: every provider's rate, overdue duties, notices, criticism."""
    if not reporting_oversees(request.user):
        if reporting_own_provider_id(request.user) is not None:
            return redirect("collection:reporting_mine")
        raise DjangoPermissionDenied("只有信用中心和主管部门可以查看各单位的报送及时性")
    today = timezone.localdate()
    form, start, end = _range(request, today)
    overdue = list(reporting_duties_overdue(request.user, today=today)[:LIST_LIMIT])
    notices: list[ReportingNotice] = list(
        reporting_notices_open(request.user).exclude(stage=NoticeStage.CRITICISM)[:LIST_LIMIT]
    )
    criticism = list(reporting_criticism_list(request.user)[:LIST_LIMIT])
    return render(
        request,
        "collection/reporting_overview.html",
        {
            "today": today,
            "form": form,
            "start": start,
            "end": end,
            "rows": _rate_rows(reporting_timeliness(request.user, start=start, end=end)),
            "overdue": duty_rows(overdue, today),
            "notices": notices,
            "criticism": criticism,
            "rule": _rule(today),
            "limit": LIST_LIMIT,
            "can_manage_duties": actor_may(request.user, Role.OPERATOR),
        },
    )


@require_GET
@login_required
def reporting_mine(request: HttpRequest) -> HttpResponse:
    """A provider's own page: its rate by item, its duties, the notices sent to it, its late records."""
    provider_id = reporting_own_provider_id(request.user)
    if provider_id is None:
        raise DjangoPermissionDenied("只有信息提供单位的工作人员可以查看本单位的报送及时性")
    provider = Organisation.objects.get(pk=provider_id)
    today = timezone.localdate()
    form, start, end = _range(request, today)
    rows = reporting_timeliness(request.user, start=start, end=end, provider_ids=[provider_id])
    duties = list(reporting_duties_visible_to(request.user).filter(active=True).order_by("next_due_on", "item_code"))
    return render(
        request,
        "collection/reporting_mine.html",
        {
            "today": today,
            "provider": provider,
            "form": form,
            "start": start,
            "end": end,
            "row": _rate_rows(rows)[0] if rows else None,
            "duties": duty_rows(duties, today),
            "notices": list(reporting_notices_of_provider(request.user, provider_id)[:LIST_LIMIT]),
            "late_records": list(reporting_late_records(request.user, start=start, end=end)[:LATE_RECORDS_SHOWN]),
            "rule": _rule(today),
        },
    )
