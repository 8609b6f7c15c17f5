"""The statistics and monitoring dashboard (统计监测) and each chart's workbook.

Only the credit centre and the authority open them (`statistics_visible_to`). Every figure is a
sum of tallies: three grouped reads of the summary table whatever the period or the number of
organisations, plus the filter's choices, the time of the last rollup and the open warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from pubcredit.core.downloads import XLSX_CONTENT_TYPE
from pubcredit.statistics.charts import chart_svg
from pubcredit.statistics.dashboard import (
    BY_MONTH,
    BY_ORGANISATION,
    BY_ORGANISATION_AND_DIMENSION,
    CHART_TITLES,
    Chart,
    Tallies,
    charts_build,
    display,
)
from pubcredit.statistics.forms import MAX_MONTHS, DashboardFilterForm
from pubcredit.statistics.models import RollupRun, WarningKind
from pubcredit.statistics.selectors import (
    TallyFilter,
    districts,
    last_rollup,
    statistics_visible_to,
    tallied_organisations,
    tally_totals,
)
from pubcredit.statistics.warning_selectors import warnings_visible_to
from pubcredit.statistics.workbooks import chart_workbook

LATEST_WARNINGS = 5
ROLLUP_COMMAND = "pubcredit statistics rollup"


def _require_viewer(request: HttpRequest) -> None:
    if not statistics_visible_to(request.user):
        raise DjangoPermissionDenied("只有信用中心和主管部门可以查看统计监测")


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    return DashboardFilterForm(
        request.GET,
        today=timezone.localdate(),
        organisations=tallied_organisations(),
        districts=districts(),
    )


def _charts(where: TallyFilter, names: Mapping[int, str]) -> list[Chart]:
    """Every chart; `names` are the organisations that have tallies (the filter's choices)."""
    tallies = Tallies(
        by_month=tally_totals(where, BY_MONTH[1], BY_MONTH[0]),
        by_organisation=tally_totals(where, BY_ORGANISATION[1], BY_ORGANISATION[0]),
        by_organisation_and_dimension=tally_totals(
            where, BY_ORGANISATION_AND_DIMENSION[1], BY_ORGANISATION_AND_DIMENSION[0]
        ),
    )
    return charts_build(tallies, where, names)


def _as_of(run: RollupRun | None) -> str:
    if run is None:
        return "尚未汇总"
    return timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M")


def _warnings_link() -> str:
    try:
        return reverse("statistics:warnings")
    except NoReverseMatch:
        return "/statistics/warnings/"


def _warnings(request: HttpRequest) -> dict[str, Any]:
    """Open warnings: a count by kind and the latest few (the warnings page does the rest)."""
    open_warnings = warnings_visible_to(request.user).filter(state="open")
    labels = dict(WarningKind.choices)
    counts = {row["kind"]: row["n"] for row in open_warnings.order_by().values("kind").annotate(n=Count("id"))}
    return {
        "by_kind": [
            (labels.get(kind, kind), counts[kind])
            for kind in [*labels, *sorted(set(counts) - set(labels))]
            if kind in counts
        ],
        "total": sum(counts.values()),
        "latest": list(open_warnings.order_by("-raised_at", "-id")[:LATEST_WARNINGS]) if counts else [],
        "link": _warnings_link(),
    }


def _chart_context(chart: Chart, query: str) -> dict[str, Any]:
    columns, rows = chart.table()
    return {
        "chart": chart,
        "svg": chart_svg(chart),
        "columns": columns,
        "rows": [
            (category, [display(v, percent=c.percent) for v, c in zip(values, columns, strict=True)])
            for category, values in rows
        ],
        "xlsx": reverse("statistics:chart_xlsx", args=[chart.slug]) + (f"?{query}" if query else ""),
    }


def _page(request: HttpRequest, form: DashboardFilterForm, **extra: Any) -> dict[str, Any]:
    run = last_rollup()
    return {
        "form": form,
        "values": _values(request, form),
        "run": run,
        "as_of": _as_of(run),
        "rollup_command": ROLLUP_COMMAND,
        "max_months": MAX_MONTHS,
        **extra,
    }


def _refused(request: HttpRequest, form: DashboardFilterForm) -> HttpResponse:
    """A refused filter: the reasons, the filter to correct, and no figure at all."""
    context = _page(request, form, errors=form.non_field_errors())
    return render(request, "statistics/dashboard.html", context, status=400)


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form = _filter_form(request)
    if not form.is_valid():
        return _refused(request, form)
    query = request.GET.urlencode()
    charts = _charts(form.where, form.organisations)
    context = _page(
        request,
        form,
        filters=form.describe(),
        warnings=_warnings(request),
        charts=[_chart_context(chart, query) for chart in charts],
    )
    return render(request, "statistics/dashboard.html", context)


@require_GET
@login_required
def chart_xlsx(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart's workbook for the same filters as the page (an unknown chart answers 404)."""
    _require_viewer(request)
    if chart not in CHART_TITLES:
        raise Http404("没有这个统计图表")
    form = _filter_form(request)
    if not form.is_valid():
        return _refused(request, form)
    found = next(c for c in _charts(form.where, form.organisations) if c.slug == chart)
    content = chart_workbook(found, filters=form.describe(), as_of=_as_of(last_rollup()))
    where = form.where
    name = f"{chart}-{where.month_from:%Y%m}-{where.month_to:%Y%m}.xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _values(request: HttpRequest, form: DashboardFilterForm) -> dict[str, str]:
    """What the filter's inputs show: the period in force, or what was typed when it was refused."""
    if form.is_valid():
        where = form.where
        return {
            "from": f"{where.month_from:%Y-%m}",
            "to": f"{where.month_to:%Y-%m}",
            "provider": str(where.organisation_id or ""),
            "district": where.district,
        }
    return {key: request.GET.get(key, "")[:60] for key in ("from", "to", "provider", "district")}
