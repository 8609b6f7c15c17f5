"""The dashboard: every figure equals the count of the source rows, filters, refusals, roles, queries.

The expected figures are counted from `SourceSpec`'s tuples (the month each source row belongs
to, its organisation and dimension), never from the tallies, so the rollup and the page are
checked together against what was written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import OrganisationFactory
from pubcredit.collection.models import BatchChannel
from pubcredit.disclosure.models.query_log import VIEWER_KIND_LABELS
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.lists.models import ExitReason, ListKind
from pubcredit.measures.models import CheckOutcome, TaskState
from pubcredit.objections.models import OPEN_STATES, ItemResult
from pubcredit.records.rules import CLASS_LABELS
from pubcredit.repairs.models import RepairState
from pubcredit.statistics.models import EarlyWarning, WarningKind
from pubcredit.statistics.rollup import rollup_run
from pubcredit.statistics.tests.conftest import TODAY, Personas, Source, SourceSpec, on
from pubcredit.statistics.warning_selectors import warnings_visible_to
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db

URL = "/statistics/"
CHART_SLUGS = (
    "collected",
    "providers",
    "timeliness",
    "objections",
    "objection-results",
    "objection-providers",
    "repairs",
    "list-entries",
    "list-exits",
    "measures",
    "queries",
    "checks",
)

# ---------------------------------------------------------------------------------------------
# Reading the page


class _Tables(HTMLParser):
    """Every `data-chart-table` table as {row header: {column header: cell text}}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, dict[str, str]]] = {}
        self._slug: str | None = None
        self._header: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._slug = dict(attrs).get("data-chart-table")
            self._header = []
        elif tag == "tr" and self._slug:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._slug:
            if not self._header:
                self._header = self._row
            elif len(self._row) == len(self._header):
                self.tables.setdefault(self._slug, {})[self._row[0]] = dict(
                    zip(self._header[1:], self._row[1:], strict=True)
                )
            self._row = None
        elif tag == "table":
            if self._slug:
                self.tables.setdefault(self._slug, {})
            self._slug = None


def page_tables(html: str) -> dict[str, dict[str, dict[str, str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


# ---------------------------------------------------------------------------------------------
# The expected figures, counted from the spec


def _m(day: dt.date) -> dt.date:
    return day.replace(day=1)


Fact = tuple[str, dt.date, str | None, str, int]  # metric, month, organisation key, dimension, value


def facts(spec: SourceSpec) -> list[Fact]:
    """One fact per source row and metric it counts in (the metric catalogue in words)."""
    out: list[Fact] = []
    for org, info_class, reported, due in spec.records:
        out.append(("records.collected", _m(reported), org, info_class, 1))
        if due is not None:
            out.append(("records.with_due", _m(reported), org, info_class, 1))
            if reported <= due:
                out.append(("records.on_time", _m(reported), org, info_class, 1))
    for org, channel, day, total, rejected in spec.batches:
        out += [
            ("batches.count", _m(day), org, channel, 1),
            ("batches.rows", _m(day), org, channel, total),
            ("batches.rejected_rows", _m(day), org, channel, rejected),
        ]
    for org, day, state, result, answered, overdue in spec.objections:
        out.append(("objections.opened", _m(day), org, "", 1))
        if overdue:
            out.append(("objections.overdue", _m(day), org, "", 1))
        if state in OPEN_STATES:
            out.append(("objections.open", _m(day), org, "", 1))
        if answered is not None:
            out.append(("objections.answered", _m(answered), org, result, 1))
    for org, day, state, decided, overdue in spec.repairs:
        out.append(("repairs.opened", _m(day), org, "", 1))
        if overdue:
            out.append(("repairs.overdue", _m(day), org, "", 1))
        if state == RepairState.SUBMITTED:
            out.append(("repairs.open", _m(day), org, "", 1))
        if decided is not None:
            out.append(("repairs.decided", _m(decided), org, state, 1))
    for org, kind, day, reason, exited in spec.list_entries:
        out.append(("lists.entered", _m(day), org, kind, 1))
        if exited is not None:
            out.append(("lists.exited", _m(exited), org, reason, 1))
    for org, day, state, fed_back, overdue in spec.tasks:
        out.append(("measures.initiated", _m(day), org, "", 1))
        if overdue:
            out.append(("measures.overdue", _m(day), org, "", 1))
        if fed_back is not None:
            out.append(("measures.fed_back", _m(fed_back), org, state, 1))
    for maybe_org, kind, day in spec.queries:
        out.append(("queries.logged", _m(day), maybe_org, kind, 1))
    for org, outcome, day in spec.checks:
        out.append(("checks.run", _m(day), org, outcome, 1))
    return out


class Expected:
    """Sums of the facts within a period, optionally for one organisation or one district."""

    def __init__(
        self,
        source: Source,
        first: dt.date,
        last: dt.date,
        *,
        org: str | None = None,
        district: str | None = None,
    ) -> None:
        self.source = source
        self.first, self.last = first, last
        self.names = {key: o.short_name for key, o in source.orgs.items()}
        self.by_month: dict[tuple[str, dt.date, str], int] = defaultdict(int)
        self.by_org: dict[tuple[str, str, str], int] = defaultdict(int)
        for metric, month, key, dim, value in facts(source.spec):
            if not first <= month <= last:
                continue
            if org is not None and key != org:
                continue
            if district is not None and (key is None or source.spec.organisations[key][1] != district):
                continue
            self.by_month[(metric, month, dim)] += value
            if key is not None:
                self.by_org[(metric, key, dim)] += value

    def months(self) -> list[dt.date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return out

    def month(self, metric: str, month: dt.date, dim: str | None = None) -> int:
        return sum(v for (m, mo, d), v in self.by_month.items() if m == metric and mo == month and dim in (None, d))

    def org(self, metric: str, key: str, dim: str | None = None) -> int:
        return sum(v for (m, k, d), v in self.by_org.items() if m == metric and k == key and dim in (None, d))

    def orgs(self, *metrics: str) -> set[str]:
        return {k for (m, k, _), v in self.by_org.items() if m in metrics}

    def dims(self, metric: str) -> set[str]:
        return {d for (m, _, d) in self.by_month if m == metric}


def _rate(numerator: int, denominator: int) -> str:
    return "—" if not denominator else f"{numerator / denominator * 100:.1f}%"


def expected_tables(e: Expected) -> dict[str, dict[str, dict[str, str]]]:
    """What every chart's data table must say, from the facts alone."""
    months = e.months()
    tables: dict[str, dict[str, dict[str, str]]] = {}

    def monthly(slug: str, metric: str, labels: dict[str, str]) -> None:
        dims = [d for d in labels if d in e.dims(metric)]
        tables[slug] = {
            f"{m:%Y-%m}": {labels[d]: str(e.month(metric, m, d)) for d in dims}
            | ({"合计": str(e.month(metric, m))} if len(dims) > 1 else {})
            for m in months
        }

    monthly("collected", "records.collected", CLASS_LABELS)
    monthly("objection-results", "objections.answered", dict(ItemResult.choices))
    monthly("list-entries", "lists.entered", dict(ListKind.choices))
    monthly("list-exits", "lists.exited", dict(ExitReason.choices))
    monthly("queries", "queries.logged", VIEWER_KIND_LABELS)
    monthly("checks", "checks.run", dict(CheckOutcome.choices))
    classes = [c for c in CLASS_LABELS if c in e.dims("records.collected")]
    tables["providers"] = {
        e.names[k]: {CLASS_LABELS[c]: str(e.org("records.collected", k, c)) for c in classes}
        | ({"合计": str(e.org("records.collected", k))} if len(classes) > 1 else {})
        for k in e.orgs("records.collected")
    }
    channels = [c for c in BatchChannel.values if c in e.dims("batches.count")]
    tables["timeliness"] = {
        e.names[k]: {
            "有报送时限的记录": str(e.org("records.with_due", k)),
            "按时报送": str(e.org("records.on_time", k)),
            "按时报送率": _rate(e.org("records.on_time", k), e.org("records.with_due", k)),
            **{f"报送批次（{BatchChannel(c).label}）": str(e.org("batches.count", k, c)) for c in channels},
            "报送行数": str(e.org("batches.rows", k)),
            "退回行数": str(e.org("batches.rejected_rows", k)),
            "差错率": _rate(e.org("batches.rejected_rows", k), e.org("batches.rows", k)),
        }
        for k in e.orgs("records.collected", "batches.count")
    }
    tables["objections"] = {
        f"{m:%Y-%m}": {
            "受理": str(e.month("objections.opened", m)),
            "已答复": str(e.month("objections.answered", m)),
            "答复逾期": str(e.month("objections.overdue", m)),
            "受理中仍在办理": str(e.month("objections.open", m)),
        }
        for m in months
    }
    tables["objection-providers"] = {
        e.names[k]: {
            "受理异议": str(e.org("objections.opened", k)),
            "已答复": str(e.org("objections.answered", k)),
            "答复逾期": str(e.org("objections.overdue", k)),
        }
        for k in e.orgs("objections.opened", "objections.answered", "objections.overdue")
    }
    outcomes = [s for s in (RepairState.ACCEPTED, RepairState.REJECTED) if s in e.dims("repairs.decided")]
    tables["repairs"] = {
        f"{m:%Y-%m}": {
            "申请": str(e.month("repairs.opened", m)),
            **{RepairState(s).label: str(e.month("repairs.decided", m, s)) for s in outcomes},
            "逾期": str(e.month("repairs.overdue", m)),
            "申请中仍待决定": str(e.month("repairs.open", m)),
        }
        for m in months
    }
    states = [s for s in TaskState.values if s in e.dims("measures.fed_back")]
    tables["measures"] = {
        e.names[k]: {
            "发起任务": str(e.org("measures.initiated", k)),
            "已反馈": str(e.org("measures.fed_back", k)),
            **{f"其中：{TaskState(s).label}": str(e.org("measures.fed_back", k, s)) for s in states},
            "反馈逾期": str(e.org("measures.overdue", k)),
        }
        for k in e.orgs("measures.initiated", "measures.fed_back", "measures.overdue")
    }
    return tables


# ---------------------------------------------------------------------------------------------
# Helpers


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def rolled_up(source_rows: Source) -> Source:
    with on(TODAY):
        rollup_run()
    return source_rows


def _get(client: Client, url: str, params: dict[str, Any] | None = None) -> Any:
    with on(TODAY):
        return client.get(url, params or {})


# ---------------------------------------------------------------------------------------------
# Figures


def test_every_chart_equals_the_source_rows_for_the_default_period(
    client: Client, personas: Personas, rolled_up: Source
) -> None:
    response = _get(_signed_in(client, personas.operator), URL)
    assert response.status_code == 200
    html = response.content.decode()
    tables = page_tables(html)
    expected = expected_tables(Expected(rolled_up, dt.date(2025, 4, 1), dt.date(2026, 3, 1)))
    assert set(tables) == set(CHART_SLUGS)
    assert tables == expected
    # The year boundary: December and January are both there, and the 2024 record is not counted.
    assert tables["collected"]["2025-12"]["合计"] == "2"
    assert tables["collected"]["2026-01"]["合计"] == "4"
    assert tables["providers"]["市场监督管理局"]["合计"] == "6"
    # A provider with nothing due and no batch shows "—" rather than 0% or 100%.
    assert tables["timeliness"]["文化和旅游局"]["按时报送率"] == "—"
    assert tables["timeliness"]["文化和旅游局"]["差错率"] == "—"
    assert tables["timeliness"]["市场监督管理局"]["按时报送率"] == "75.0%"
    assert tables["timeliness"]["住房和城乡建设局"]["差错率"] == "100.0%"
    assert "数据截至 2026-03-16 10:00" in html
    for slug in CHART_SLUGS:
        assert f'data-chart="{slug}"' in html
        assert f"/statistics/charts/{slug}.xlsx" in html


def test_chart_markup_has_title_legend_tooltips_and_caption(
    client: Client, personas: Personas, rolled_up: Source
) -> None:
    html = _get(_signed_in(client, personas.authority), URL).content.decode()
    assert html.count("<figure") == len(CHART_SLUGS)
    assert html.count("<figcaption>") == len(CHART_SLUGS)
    assert 'role="img"' in html
    assert "<title>2026-01 · 监管类：1</title>" in html  # a bar's tooltip
    assert "<title>市场监督管理局 · 按时报送率：75.0%</title>" in html
    assert 'class="pc-chart__legend-item"' in html
    # The content security policy allows no inline script or style attribute.
    assert "<script>" not in html
    assert " style=" not in html


def test_period_filter_across_the_year_boundary(client: Client, personas: Personas, rolled_up: Source) -> None:
    params = {"from": "2025-12", "to": "2026-01"}
    tables = page_tables(_get(_signed_in(client, personas.operator), URL, params).content.decode())
    expected = expected_tables(Expected(rolled_up, dt.date(2025, 12, 1), dt.date(2026, 1, 1)))
    assert tables == expected
    assert list(tables["collected"]) == ["2025-12", "2026-01"]
    assert tables["providers"]["市场监督管理局"]["合计"] == "3"


def test_period_filter_reaches_back_to_an_old_record(client: Client, personas: Personas, rolled_up: Source) -> None:
    tables = page_tables(
        _get(_signed_in(client, personas.operator), URL, {"from": "2024-06", "to": "2024-06"}).content.decode()
    )
    assert tables["collected"] == {"2024-06": {"监管类": "1"}}
    assert tables["timeliness"]["市场监督管理局"]["按时报送率"] == "100.0%"


def test_provider_filter(client: Client, personas: Personas, rolled_up: Source) -> None:
    tax = rolled_up.orgs["tax"]
    response = _get(_signed_in(client, personas.operator), URL, {"provider": str(tax.pk)})
    tables = page_tables(response.content.decode())
    assert tables == expected_tables(Expected(rolled_up, dt.date(2025, 4, 1), dt.date(2026, 3, 1), org="tax"))
    assert list(tables["providers"]) == ["税务局"]
    assert list(tables["measures"]) == ["税务局"]
    assert "单位：<strong>税务局</strong>" in response.content.decode()


def test_district_filter(client: Client, personas: Personas, rolled_up: Source) -> None:
    tables = page_tables(_get(_signed_in(client, personas.operator), URL, {"district": "碑林区"}).content.decode())
    assert tables == expected_tables(Expected(rolled_up, dt.date(2025, 4, 1), dt.date(2026, 3, 1), district="碑林区"))
    assert set(tables["providers"]) == {"住房和城乡建设局", "文化和旅游局"}
    # Public queries belong to no organisation, so a district filter leaves them out.
    assert "社会公众" not in tables["queries"]["2025-11"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-13"}, "起始月份“2025-13”不是有效的年月"),
        ({"to": "March"}, "截止月份“March”不是有效的年月"),
        ({"from": "2026-02", "to": "2025-12"}, "起始月份 2026-02 晚于截止月份 2025-12"),
        ({"from": "2000-01", "to": "2026-03"}, "共 315 个月，超过 120 个月的上限"),
        ({"provider": "999999"}, "单位编号“999999”不存在"),
        ({"provider": "abc"}, "单位编号“abc”不存在"),
        ({"district": "火星区"}, "地区“火星区”不在可选范围内"),
    ],
)
def test_invalid_filters_are_refused_with_a_reason(
    client: Client, personas: Personas, rolled_up: Source, params: dict[str, str], message: str
) -> None:
    response = _get(_signed_in(client, personas.operator), URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "未显示统计数据" in html
    assert "data-chart-table" not in html
    assert "<svg" not in html
    assert 'data-testid="warnings"' not in html
    xlsx = _get(client, "/statistics/charts/collected.xlsx", params)
    assert xlsx.status_code == 400
    assert message in xlsx.content.decode()


def test_no_rollup_yet_says_so_and_how(client: Client, personas: Personas, source_rows: Source) -> None:
    response = _get(_signed_in(client, personas.operator), URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未生成统计数据" in html
    assert "pubcredit statistics rollup" in html
    assert "数据截至" not in html


def test_open_warnings_are_counted_by_kind(client: Client, personas: Personas, rolled_up: Source) -> None:
    with on(TODAY):
        for n in range(7):
            EarlyWarning.objects.create(
                kind=WarningKind.VOLUME_DROP if n % 2 else WarningKind.PROVIDER_SILENT,
                key=f"test:{n}",
                title=f"测试预警{n}",
                detail="说明",
            )
        EarlyWarning.objects.create(
            kind=WarningKind.BAD_RISE,
            key="closed",
            title="已处理的预警",
            detail="说明",
            state="handled",
            closed_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        )
    html = _get(_signed_in(client, personas.operator), URL).content.decode()
    visible = list(warnings_visible_to(personas.operator).filter(state="open"))
    assert f'未处理的预警<span class="pc-muted">（{len(visible)} 条）' in html
    assert "已处理的预警" not in html
    shown = [w.title for w in sorted(visible, key=lambda w: (w.raised_at, w.pk), reverse=True)[:5]]
    for title in shown:
        assert title in html
    assert 'href="/statistics/warnings/"' in html


# ---------------------------------------------------------------------------------------------
# Workbooks


def _workbook_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _data(rows: list[tuple[Any, ...]], first_header: str) -> dict[str, dict[str, Any]]:
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    header = rows[start]
    return {
        row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows[start + 1 :] if row and row[0] is not None
    }


@pytest.mark.parametrize("slug", CHART_SLUGS)
def test_each_workbook_equals_the_page(client: Client, personas: Personas, rolled_up: Source, slug: str) -> None:
    params = {"from": "2025-11", "to": "2026-02", "district": "雁塔区"}
    response = _get(_signed_in(client, personas.operator), f"/statistics/charts/{slug}.xlsx", params)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-202511-202602.xlsx"'
    rows = _workbook_rows(response.content)
    assert ("统计期间", "2025-11 至 2026-02") in [row[:2] for row in rows]
    assert ("地区", "雁塔区") in [row[:2] for row in rows]
    assert ("单位", "全部") in [row[:2] for row in rows]
    first_header = (
        "月份"
        if slug in ("collected", "objections", "objection-results", "repairs")
        or slug.startswith(("list-", "queries", "checks"))
        else ("实施部门" if slug == "measures" else "信息提供单位")
    )
    data = _data(rows, first_header)
    expected = expected_tables(Expected(rolled_up, dt.date(2025, 11, 1), dt.date(2026, 2, 1), district="雁塔区"))[slug]

    def shown(value: Any, column: str) -> str:
        if isinstance(value, float) and "率" in column:
            return f"{value * 100:.1f}%"
        return str(value)

    assert {row: {col: shown(v, col) for col, v in cols.items()} for row, cols in data.items()} == expected
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert len(sheet._charts) == 1  # a native chart of the table


def test_workbook_rates_are_numbers_and_missing_rates_a_dash(
    client: Client, personas: Personas, rolled_up: Source
) -> None:
    response = _get(_signed_in(client, personas.operator), "/statistics/charts/timeliness.xlsx")
    data = _data(_workbook_rows(response.content), "信息提供单位")
    assert data["市场监督管理局"]["按时报送率"] == pytest.approx(0.75)
    assert data["市场监督管理局"]["报送行数"] == 50
    assert data["文化和旅游局"]["按时报送率"] == "—"


def test_workbook_text_is_never_a_formula(client: Client, personas: Personas, rolled_up: Source) -> None:
    hostile = OrganisationFactory.create(
        name='=HYPERLINK("http://x")局', short_name='=HYPERLINK("http://x")', is_provider=True
    )
    with on(TODAY):
        make_record(OrgSubjectFactory.create(), decided_on=dt.date(2026, 2, 1), by=hostile)
        rollup_run()
    response = _get(_signed_in(client, personas.operator), "/statistics/charts/providers.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [
        cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert cells
    assert all(cell.data_type == "s" and cell.value.startswith("'=") for cell in cells)


def test_unknown_chart_is_404(client: Client, personas: Personas, rolled_up: Source) -> None:
    assert _get(_signed_in(client, personas.operator), "/statistics/charts/nothing.xlsx").status_code == 404


# ---------------------------------------------------------------------------------------------
# Who may open the pages


@pytest.mark.parametrize("role", ["operator", "authority"])
@pytest.mark.parametrize("url", [URL, "/statistics/charts/collected.xlsx"])
def test_operator_and_authority_may_open(client: Client, personas: Personas, role: str, url: str) -> None:
    assert _get(_signed_in(client, getattr(personas, role)), url).status_code == 200


@pytest.mark.parametrize("role", ["provider_clerk", "consumer", "subject", "auditor"])
@pytest.mark.parametrize("url", [URL, "/statistics/charts/collected.xlsx", "/statistics/charts/nothing.xlsx"])
def test_other_roles_are_refused(client: Client, personas: Personas, role: str, url: str) -> None:
    response = _get(_signed_in(client, getattr(personas, role)), url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", [URL, "/statistics/charts/collected.xlsx"])
def test_anonymous_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = _get(client, url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# ---------------------------------------------------------------------------------------------
# Queries


def _more_source(count: int) -> None:
    """`count` more providers, each with records in many months (more rows, same reads)."""
    subject = OrgSubjectFactory.create()
    for n in range(count):
        org = OrganisationFactory.create(name=f"统计扩展提供单位{n}", district="长安区", is_provider=True)
        for month in range(1, 13):
            make_record(
                subject,
                info_class="supervision" if n % 2 else "registration",
                decided_on=dt.date(2025, month, 9),
                by=org,
            )


def _queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, URL, params)
    assert response.status_code == 200
    return len(captured)


def test_the_page_is_a_fixed_handful_of_queries(
    client: Client,
    personas: Personas,
    rolled_up: Source,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = _signed_in(client, personas.operator)
    _get(client, URL)  # the session is read and its last-seen time written once
    small = _queries(client, {"from": "2025-11", "to": "2026-02"})
    _more_source(20)
    with on(TODAY):
        rollup_run()
    large = _queries(client, {"from": "2016-04", "to": "2026-03"})
    assert large == small
    with django_assert_max_num_queries(15):
        _get(client, URL, {"from": "2016-04", "to": "2026-03"})


def test_workbook_names_the_provider_filter(client: Client, personas: Personas, rolled_up: Source) -> None:
    housing = rolled_up.orgs["housing"]
    params = {"provider": str(housing.pk), "from": "2026-01", "to": "2026-02"}
    response = _get(_signed_in(client, personas.authority), "/statistics/charts/measures.xlsx", params)
    rows = _workbook_rows(response.content)
    assert rows[0][0] == "联合奖惩任务发起与反馈"
    assert ("单位", "住房和城乡建设局") in [row[:2] for row in rows]
    assert ("数据截至", "2026-03-16 10:00") in [row[:2] for row in rows]
    data = _data(rows, "实施部门")
    # Sent 2026-01-03 (fed back 01-10, not applicable) and 2026-02-07 (overdue, fed back in March).
    assert data == {
        "住房和城乡建设局": {"发起任务": 2, "已反馈": 1, "其中：不适用": 1, "反馈逾期": 1},
    }


def test_workbook_before_any_rollup_is_an_empty_table(client: Client, personas: Personas) -> None:
    response = _get(_signed_in(client, personas.operator), "/statistics/charts/providers.xlsx")
    assert response.status_code == 200
    rows = _workbook_rows(response.content)
    assert ("数据截至", "尚未汇总") in [row[:2] for row in rows]
    assert _data(rows, "信息提供单位") == {}
