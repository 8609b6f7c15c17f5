"""The dashboard's charts: which metrics each one sums, how it groups them, and its data table.

Everything here is a pure function of the rows `tally_totals` returned, so the page, the
workbooks and the tests see the same figures. Three grouped reads feed every chart (by month, by
organisation, by organisation and dimension); their number does not grow with the period or the
number of organisations. Labels come from the source models' choices, so a class, channel,
result, kind, reason or state reads the same here as on the page that created it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pubcredit.collection.models import BatchChannel
from pubcredit.disclosure.models.query_log import VIEWER_KIND_LABELS
from pubcredit.lists.models import ExitReason, ListKind
from pubcredit.measures.models import CheckOutcome, TaskState
from pubcredit.objections.models import ItemResult
from pubcredit.records.rules import CLASS_LABELS, add_months
from pubcredit.repairs.models import RepairState
from pubcredit.statistics.assessment import NO_RATE, percent_text
from pubcredit.statistics.forms import month_label, months_between
from pubcredit.statistics.selectors import TallyFilter

#: How many organisations a bar chart draws; its data table and workbook list every one.
TOP_ORGANISATIONS = 15

#: The three reads: (grouping keys, metrics). The view runs each once with `tally_totals`.
BY_MONTH: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("metric", "month", "dimension"),
    (
        "records.collected",
        "objections.opened",
        "objections.answered",
        "objections.overdue",
        "objections.open",
        "repairs.opened",
        "repairs.decided",
        "repairs.overdue",
        "repairs.open",
        "lists.entered",
        "lists.exited",
        "queries.logged",
        "checks.run",
    ),
)
BY_ORGANISATION: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("metric", "organisation_id"),
    (
        "records.with_due",
        "records.on_time",
        "batches.rows",
        "batches.rejected_rows",
        "objections.opened",
        "objections.answered",
        "objections.overdue",
        "measures.initiated",
        "measures.overdue",
    ),
)
BY_ORGANISATION_AND_DIMENSION: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("metric", "organisation_id", "dimension"),
    ("records.collected", "batches.count", "measures.fed_back"),
)

Value = float | int | None
NO_ORGANISATION = "（未关联单位）"


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    values: Sequence[Value]  # one per category; None draws nothing and reads "—"
    alert: bool = False  # overdue and the like: drawn in the warning colour
    colour: int | None = None  # a fixed palette position, so a class keeps its colour under any filter


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    percent: bool = False


@dataclass(slots=True)
class Chart:
    """One figure: categories along one axis, one or more series, and the table beneath it."""

    slug: str
    title: str
    caption: str
    orientation: Literal["columns", "bars"]  # columns: months along x; bars: organisations down y
    stacked: bool
    category_label: str
    categories: list[str]
    series: list[Series]
    percent: bool = False
    columns: list[Column] = field(default_factory=list)  # the table's value columns
    rows: list[Sequence[Value]] = field(default_factory=list)  # one per category, aligned with `columns`
    note: str = ""
    drawn: int | None = None  # how many categories the figure draws (None: all of them)

    @property
    def drawn_categories(self) -> list[str]:
        return self.categories if self.drawn is None else self.categories[: self.drawn]

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)

    def table(self) -> tuple[list[Column], list[tuple[str, Sequence[Value]]]]:
        """The data table: explicit columns when the chart set them, else its series (and a total)."""
        if self.columns:
            return self.columns, list(zip(self.categories, self.rows, strict=True))
        columns = [Column(s.label, self.percent) for s in self.series]
        rows = [[s.values[i] for s in self.series] for i in range(len(self.categories))]
        if self.stacked and len(self.series) > 1:
            columns.append(Column("合计"))
            rows = [[*row, sum(v or 0 for v in row)] for row in rows]
        return columns, list(zip(self.categories, rows, strict=True))


def display(value: Value, *, percent: bool = False) -> str:
    """A table cell as the page shows it: counts as integers, rates as percentages, none as "—"."""
    if percent:
        return percent_text(value)  # the assessment's rounding: one figure, one reading
    if value is None:
        return NO_RATE
    return f"{int(value):d}" if float(value).is_integer() else f"{value:.1f}"


# ---------------------------------------------------------------------------------------------
# Tallies reshaped


class Tallies:
    """The three reads' rows, indexed for the chart builders."""

    def __init__(
        self,
        *,
        by_month: Iterable[Mapping[str, Any]],
        by_organisation: Iterable[Mapping[str, Any]],
        by_organisation_and_dimension: Iterable[Mapping[str, Any]],
    ) -> None:
        self.month: dict[tuple[str, dt.date, str], int] = defaultdict(int)
        for row in by_month:
            self.month[(row["metric"], row["month"], row["dimension"])] += int(row["value"] or 0)
        self.org: dict[tuple[str, int | None], int] = defaultdict(int)
        for row in by_organisation:
            self.org[(row["metric"], row["organisation_id"])] += int(row["value"] or 0)
        self.org_dim: dict[tuple[str, int | None, str], int] = defaultdict(int)
        for row in by_organisation_and_dimension:
            self.org_dim[(row["metric"], row["organisation_id"], row["dimension"])] += int(row["value"] or 0)
        # Totals over the dimensions, so a chart's lookups stay constant-time however long the period.
        self.month_total: dict[tuple[str, dt.date], int] = defaultdict(int)
        for (metric, month, _), value in self.month.items():
            self.month_total[(metric, month)] += value
        self.org_dim_total: dict[tuple[str, int | None], int] = defaultdict(int)
        for (metric, org, _), value in self.org_dim.items():
            self.org_dim_total[(metric, org)] += value

    def monthly(self, metric: str, month: dt.date, dimension: str | None = None) -> int:
        """One metric in one month: one dimension, or all of them when `dimension` is None."""
        if dimension is not None:
            return self.month.get((metric, month, dimension), 0)
        return self.month_total.get((metric, month), 0)

    def dimensions(self, metric: str) -> set[str]:
        return {d for (m, _, d) in self.month if m == metric} | {d for (m, _, d) in self.org_dim if m == metric}

    def of(self, metric: str, organisation: int | None, dimension: str | None = None) -> int:
        if dimension is None:
            if (metric, organisation) in self.org:
                return self.org[(metric, organisation)]
            return self.org_dim_total.get((metric, organisation), 0)
        return self.org_dim.get((metric, organisation, dimension), 0)


def _ordered_dimensions(present: set[str], labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """Known dimensions in the choices' order, then any unknown code as itself (never dropped)."""
    known = [(code, label) for code, label in labels.items() if code in present]
    unknown = sorted(code for code in present if code not in labels)
    return known + [(code, code or "（未分类）") for code in unknown]


def _colour_of(code: str, labels: Mapping[str, str]) -> int | None:
    """A dimension's palette position: its place among the choices (unknown codes take the next free)."""
    return list(labels).index(code) if code in labels else None


def _months(where: TallyFilter) -> list[dt.date]:
    return [add_months(where.month_from, i) for i in range(months_between(where.month_from, where.month_to))]


# ---------------------------------------------------------------------------------------------
# Chart builders


def _monthly_by_dimension(
    tallies: Tallies,
    months: list[dt.date],
    *,
    slug: str,
    title: str,
    caption: str,
    metric: str,
    labels: Mapping[str, str],
) -> Chart:
    dims = _ordered_dimensions(tallies.dimensions(metric), labels)
    series = [
        Series(code, label, [tallies.monthly(metric, m, code) for m in months], colour=_colour_of(code, labels))
        for code, label in dims
    ]
    return Chart(
        slug=slug,
        title=title,
        caption=caption,
        orientation="columns",
        stacked=True,
        category_label="月份",
        categories=[month_label(m) for m in months],
        series=series,
    )


def _monthly_figures(
    tallies: Tallies,
    months: list[dt.date],
    *,
    slug: str,
    title: str,
    caption: str,
    drawn: Sequence[tuple[str, str, Callable[[dt.date], int], bool]],
    extra: Sequence[tuple[str, Callable[[dt.date], int]]] = (),
) -> Chart:
    """Side-by-side columns per month for `drawn` (key, label, figure, alert); `extra` figures appear
    in the table only."""
    series = [Series(key, label, [figure(m) for m in months], alert) for key, label, figure, alert in drawn]
    columns = [Column(label) for _, label, _, _ in drawn] + [Column(label) for label, _ in extra]
    rows: list[Sequence[Value]] = [
        [figure(m) for _, _, figure, _ in drawn] + [figure(m) for _, figure in extra] for m in months
    ]
    return Chart(
        slug=slug,
        title=title,
        caption=caption,
        orientation="columns",
        stacked=False,
        category_label="月份",
        categories=[month_label(m) for m in months],
        series=series,
        columns=columns,
        rows=rows,
    )


def _organisation_order(ids: Iterable[int | None], weight: Callable[[int | None], float]) -> list[int | None]:
    return sorted(ids, key=lambda org: (-weight(org), org if org is not None else 0))


def _top(chart: Chart, *, what: str) -> Chart:
    """Draw only the first TOP_ORGANISATIONS organisations; the table keeps all of them."""
    if len(chart.categories) <= TOP_ORGANISATIONS:
        return chart
    columns, rows = chart.table()
    chart.columns = columns
    chart.rows = [values for _, values in rows]
    shown = TOP_ORGANISATIONS
    chart.note = f"图中显示{what}最多的前 {shown} 个单位，共 {len(chart.categories)} 个单位，全部见数据表。"
    chart.series = [Series(s.key, s.label, list(s.values[:shown]), s.alert, s.colour) for s in chart.series]
    chart.drawn = shown
    return chart


def _name(names: Mapping[int, str], org: int | None) -> str:
    return NO_ORGANISATION if org is None else names.get(org, f"单位 {org}")


def _providers(tallies: Tallies, names: Mapping[int, str]) -> Chart:
    metric = "records.collected"
    dims = _ordered_dimensions({d for (m, _, d) in tallies.org_dim if m == metric}, CLASS_LABELS)
    orgs = _organisation_order({o for (m, o, _) in tallies.org_dim if m == metric}, lambda org: tallies.of(metric, org))
    chart = Chart(
        slug="providers",
        title="各提供单位归集量",
        caption="期间内各信息提供单位报送的信用记录条数，按信息类别分段（按报送日期统计）。",
        orientation="bars",
        stacked=True,
        category_label="信息提供单位",
        categories=[_name(names, o) for o in orgs],
        series=[
            Series(code, label, [tallies.of(metric, o, code) for o in orgs], colour=_colour_of(code, CLASS_LABELS))
            for code, label in dims
        ],
    )
    return _top(chart, what="归集量")


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _timeliness(tallies: Tallies, names: Mapping[int, str]) -> Chart:
    channels = _ordered_dimensions(
        {d for (m, _, d) in tallies.org_dim if m == "batches.count"}, dict(BatchChannel.choices)
    )
    orgs = _organisation_order(
        {o for (m, o) in tallies.org if m.startswith(("records.", "batches."))}
        | {o for (m, o, _) in tallies.org_dim if m in ("records.collected", "batches.count")},
        lambda org: tallies.of("records.with_due", org) + tallies.of("batches.rows", org),
    )
    on_time = [_rate(tallies.of("records.on_time", o), tallies.of("records.with_due", o)) for o in orgs]
    errors = [_rate(tallies.of("batches.rejected_rows", o), tallies.of("batches.rows", o)) for o in orgs]
    rows: list[Sequence[Value]] = [
        [
            tallies.of("records.with_due", o),
            tallies.of("records.on_time", o),
            on_time[i],
            *(tallies.of("batches.count", o, code) for code, _ in channels),
            tallies.of("batches.rows", o),
            tallies.of("batches.rejected_rows", o),
            errors[i],
        ]
        for i, o in enumerate(orgs)
    ]
    chart = Chart(
        slug="timeliness",
        title="提供单位按时报送率与差错率",
        caption=(
            "按时报送率 = 在报送时限内报送的记录 ÷ 有报送时限的记录；差错率 = 退回行数 ÷ 报送行数。"
            "没有分母的单位显示“—”。"
        ),
        orientation="bars",
        stacked=False,
        percent=True,
        category_label="信息提供单位",
        categories=[_name(names, o) for o in orgs],
        series=[Series("on_time", "按时报送率", on_time), Series("errors", "差错率", errors)],
        columns=[
            Column("有报送时限的记录"),
            Column("按时报送"),
            Column("按时报送率", percent=True),
            *(Column(f"报送批次（{label}）") for _, label in channels),
            Column("报送行数"),
            Column("退回行数"),
            Column("差错率", percent=True),
        ],
        rows=rows,
    )
    return _top(chart, what="报送量")


def _objection_providers(tallies: Tallies, names: Mapping[int, str]) -> Chart:
    keys = (("objections.opened", "受理异议"), ("objections.answered", "已答复"), ("objections.overdue", "答复逾期"))
    orgs = _organisation_order(
        {o for (m, o) in tallies.org if m.startswith("objections.")}, lambda org: tallies.of("objections.opened", org)
    )
    chart = Chart(
        slug="objection-providers",
        title="各提供单位异议办理",
        caption="期间内涉及各提供单位的异议信息项：受理（按申请时间）、已答复（按答复日期）和答复逾期。",
        orientation="bars",
        stacked=False,
        category_label="信息提供单位",
        categories=[_name(names, o) for o in orgs],
        series=[
            Series(metric, label, [tallies.of(metric, o) for o in orgs], alert=metric.endswith(".overdue"))
            for metric, label in keys
        ],
    )
    return _top(chart, what="异议")


def _measures(tallies: Tallies, names: Mapping[int, str]) -> Chart:
    states = _ordered_dimensions(
        {d for (m, _, d) in tallies.org_dim if m == "measures.fed_back"}, dict(TaskState.choices)
    )
    orgs = _organisation_order(
        {o for (m, o) in tallies.org if m.startswith("measures.")}
        | {o for (m, o, _) in tallies.org_dim if m == "measures.fed_back"},
        lambda org: tallies.of("measures.initiated", org),
    )
    initiated = [tallies.of("measures.initiated", o) for o in orgs]
    fed_back = [tallies.of("measures.fed_back", o) for o in orgs]
    overdue = [tallies.of("measures.overdue", o) for o in orgs]
    rows: list[Sequence[Value]] = [
        [initiated[i], fed_back[i], *(tallies.of("measures.fed_back", o, code) for code, _ in states), overdue[i]]
        for i, o in enumerate(orgs)
    ]
    chart = Chart(
        slug="measures",
        title="联合奖惩任务发起与反馈",
        caption="各实施部门收到的联合奖惩任务（按派发时间）、已反馈的任务（按反馈时间，分反馈结果）和逾期未反馈的任务。",
        orientation="bars",
        stacked=False,
        category_label="实施部门",
        categories=[_name(names, o) for o in orgs],
        series=[
            Series("initiated", "发起任务", initiated),
            Series("fed_back", "已反馈", fed_back),
            Series("overdue", "反馈逾期", overdue, alert=True),
        ],
        columns=[
            Column("发起任务"),
            Column("已反馈"),
            *(Column(f"其中：{label}") for _, label in states),
            Column("反馈逾期"),
        ],
        rows=rows,
    )
    return _top(chart, what="任务")


def charts_build(tallies: Tallies, where: TallyFilter, names: Mapping[int, str]) -> list[Chart]:
    """Every chart of the dashboard, in page order."""
    months = _months(where)
    monthly = tallies.monthly
    decided = _ordered_dimensions(
        tallies.dimensions("repairs.decided") - {RepairState.SUBMITTED.value}, dict(RepairState.choices)
    )
    return [
        _monthly_by_dimension(
            tallies,
            months,
            slug="collected",
            title="归集量",
            caption="每月归集的信用记录条数，按信息类别分段（按报送日期统计）。",
            metric="records.collected",
            labels=CLASS_LABELS,
        ),
        _providers(tallies, names),
        _timeliness(tallies, names),
        _monthly_figures(
            tallies,
            months,
            slug="objections",
            title="异议受理与答复",
            caption="每月受理的异议信息项（按申请时间）、已答复的（按答复日期）和答复逾期的（按申请时间）。",
            drawn=[
                ("opened", "受理", lambda m: monthly("objections.opened", m), False),
                ("answered", "已答复", lambda m: monthly("objections.answered", m), False),
                ("overdue", "答复逾期", lambda m: monthly("objections.overdue", m), True),
            ],
            extra=[("受理中仍在办理", lambda m: monthly("objections.open", m))],
        ),
        _monthly_by_dimension(
            tallies,
            months,
            slug="objection-results",
            title="异议答复结果",
            caption="每月答复的异议信息项，按处理结果分段（按答复日期统计）。",
            metric="objections.answered",
            labels=dict(ItemResult.choices),
        ),
        _objection_providers(tallies, names),
        _monthly_figures(
            tallies,
            months,
            slug="repairs",
            title="信用修复",
            caption="每月提交的信用修复申请（按提交时间）、作出的决定（按决定时间，分结果）和逾期未决定的申请。",
            drawn=[
                ("opened", "申请", lambda m: monthly("repairs.opened", m), False),
                *(
                    (code, label, lambda m, code=code: monthly("repairs.decided", m, code), False)
                    for code, label in decided
                ),
                ("overdue", "逾期", lambda m: monthly("repairs.overdue", m), True),
            ],
            extra=[("申请中仍待决定", lambda m: monthly("repairs.open", m))],
        ),
        _monthly_by_dimension(
            tallies,
            months,
            slug="list-entries",
            title="名单列入",
            caption="每月列入名单的条目，按名单类别分段（按录入时间统计）。",
            metric="lists.entered",
            labels=dict(ListKind.choices),
        ),
        _monthly_by_dimension(
            tallies,
            months,
            slug="list-exits",
            title="名单移出",
            caption="每月移出名单的条目，按移出原因分段（按移出日期统计）。",
            metric="lists.exited",
            labels=dict(ExitReason.choices),
        ),
        _measures(tallies, names),
        _monthly_by_dimension(
            tallies,
            months,
            slug="queries",
            title="查询量",
            caption="每月的查询日志条数，按查询类型（渠道）分段（按查询时间统计）。",
            metric="queries.logged",
            labels=VIEWER_KIND_LABELS,
        ),
        _monthly_by_dimension(
            tallies,
            months,
            slug="checks",
            title="信用核查",
            caption="每月各部门进行的信用核查，按反馈情况分段（按核查时间统计）。",
            metric="checks.run",
            labels=dict(CheckOutcome.choices),
        ),
    ]


#: The slugs a workbook may be asked for, with their titles (the 404 check needs no query).
CHART_TITLES: dict[str, str] = {
    "collected": "归集量",
    "providers": "各提供单位归集量",
    "timeliness": "提供单位按时报送率与差错率",
    "objections": "异议受理与答复",
    "objection-results": "异议答复结果",
    "objection-providers": "各提供单位异议办理",
    "repairs": "信用修复",
    "list-entries": "名单列入",
    "list-exits": "名单移出",
    "measures": "联合奖惩任务发起与反馈",
    "queries": "查询量",
    "checks": "信用核查",
}
