"""The authority's periodic assessment (考核) of information providers, computed from tallies only.

The authority guides and assesses the departments' collection, disclosure and use of credit
information (西安 第五条（二）; 杭州 第七条 lets governments make collection and use part of the
departments' assessment), the credit centre supplies the statistics and monitoring behind it
(西安 第六条（三）), and the statistical reports it produces are archived (南通 第二十条). What the
texts hold a provider to gives the indicators: sending its information in time and correctly
(南通 第二十二条: late or wrong information leads to accountability; 西安 第三十四条 and 大连 第十九条:
late providers are reminded, then publicly criticised), answering objections about its records
within the time limit (西安 第三十条), deciding credit repairs (西安 第三十二条) and, as an
implementing department, feeding back on joint measures (元宝山方案 五（一）、五（九）: departments
that carry out measures poorly are named and told to put it right).

The report lists the indicators per provider and ranks by the on-time rate; it gives no composite
score, because how much each indicator weighs is the authority's decision, not the platform's.
A rate whose denominator is zero is "—", never 0% or 100%: a provider that had nothing due was
neither on time nor late.

Everything here is a pure function of tally sums, except `assessment_build`, which reads them
through the statistics selectors.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone

from pubcredit.core.errors import ValidationFailed
from pubcredit.objections.models import ItemResult
from pubcredit.statistics.models import RollupRun
from pubcredit.statistics.selectors import TallyFilter, last_rollup, organisation_names, tally_totals

#: Shown wherever a rate has no denominator.
NO_RATE = "—"

#: The metrics the assessment reads (see `metrics.py` for the month each is counted in).
METRICS: tuple[str, ...] = (
    "records.collected",
    "records.with_due",
    "records.on_time",
    "batches.rows",
    "batches.rejected_rows",
    "objections.opened",
    "objections.answered",
    "objections.overdue",
    "repairs.decided",
    "repairs.overdue",
    "measures.fed_back",
    "measures.overdue",
)

#: Results the platform itself reached (its own technical error, 南通 第十四条, 西安 第二十九条):
#: the item never went to the provider, so it is neither answered by nor held against it.
PLATFORM_RESULTS: frozenset[str] = frozenset({ItemResult.PLATFORM_CORRECTED.value, ItemResult.PLATFORM_WITHDRAWN.value})

#: Results that mean the provider's record was wrong.
WRONG_RESULTS: frozenset[str] = frozenset({ItemResult.CORRECTED.value})
"""Which objection results count as "the provider's record was wrong".

- `corrected` (提供单位已更正): the provider checked its record and corrected it; the record was
  wrong and the provider is responsible for it (谁产生、谁上传、谁负责, 西安 第十六条; wrong
  information, 南通 第二十二条). Counted.
- `platform_corrected`, `platform_withdrawn`: the error arose in the platform's own processing
  (南通 第十四条 系统技术处理过程中造成的); it is not the provider's, and the provider never
  answered the item. Neither in the numerator nor in the denominator.
- `confirmed` (经核实无误): the record was right. In the denominator only.
- `unverifiable_deleted`, `unverifiable_annotated`: the provider could not establish whether
  the record was true. That is not a finding that it was wrong, and counting it would make the
  same answer count or not by jurisdiction (西安 and 大连 delete such a record, 南通 annotates
  it). In the denominator only; the answered count includes them.
"""

QUARTER_NAMES = ("一", "二", "三", "四")


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A month (`2026-09`), a quarter (`2026-Q3`) or a year (`2026`)."""

    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int  # the month (1-12) or the quarter (1-4); 0 for a year

    @property
    def months(self) -> tuple[int, int]:
        if self.kind == "month":
            return self.number, self.number
        if self.kind == "quarter":
            return self.number * 3 - 2, self.number * 3
        return 1, 12

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> dt.date:
        month = self.months[1]
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def last_month(self) -> dt.date:
        """The first day of the period's last month (tallies are keyed by first days)."""
        return dt.date(self.year, self.months[1], 1)

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{QUARTER_NAMES[self.number - 1]}季度"
        return f"{self.year}年"

    def ended_by(self, today: dt.date) -> bool:
        return self.last_day < today


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>\d)))?$")
PERIOD_HELP = "期间格式为年份（如 2026）、季度（如 2026-Q3）或月份（如 2026-09）"


def default_period(today: dt.date) -> Period:
    """The last full quarter before `today`."""
    quarter = (today.month - 1) // 3 + 1
    if quarter == 1:
        return Period("quarter", today.year - 1, 4)
    return Period("quarter", today.year, quarter - 1)


def parse_period(text: str | None, *, today: dt.date) -> Period:
    """The period a request asked for; empty means the last full quarter. A period that has not
    begun yet is refused: it has no figures, and an empty table would read as a clean record."""
    value = (text or "").strip()
    if not value:
        return default_period(today)
    shown = value[:20]
    match = _PERIOD.match(value)
    if match is None:
        raise ValidationFailed(f"统计期间“{shown}”无法识别：{PERIOD_HELP}", field="period")
    year = int(match["year"])
    if year < 2000:
        raise ValidationFailed(f"统计期间“{shown}”无效：年份须在 2000 年以后", field="period")
    if match["month"] is not None:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValidationFailed(f"统计期间“{shown}”无效：月份须为 1 至 12", field="period")
        period = Period("month", year, month)
    elif match["quarter"] is not None:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise ValidationFailed(f"统计期间“{shown}”无效：季度须为 Q1 至 Q4", field="period")
        period = Period("quarter", year, quarter)
    else:
        period = Period("year", year, 0)
    if period.first_day > today:
        raise ValidationFailed(f"统计期间“{shown}”尚未开始，没有统计数据", field="period")
    return period


def parse_district(text: str | None, *, known: Sequence[str]) -> str:
    """A district among those with tallies, or "" for all."""
    value = (text or "").strip()
    if value and value not in known:
        raise ValidationFailed(f"区县“{value[:50]}”没有统计数据，请从列表中选择", field="district")
    return value


# --- rates and rows --------------------------------------------------------------------------


def percent_text(share: Fraction | float | None) -> str:
    """A share as the assessment and the dashboard show it: such as 95.2% (half up to one
    decimal), or "—" when nothing was due. A share that is not nil but rounds to 0.0% reads
    "<0.1%", one short of whole that rounds to 100.0% reads ">99.9%": a provider that was late
    once must not read as always on time."""
    if share is None:
        return NO_RATE
    value = Fraction(share)
    shown = (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    if value > 0 and shown == 0:
        return "<0.1%"
    if value < 1 and shown == 100:
        return ">99.9%"
    return f"{shown}%"


@dataclass(frozen=True, slots=True)
class Rate:
    """A share with its counts; `value` is None when nothing was due (shown as "—")."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def percent(self) -> str:
        return percent_text(self.value)

    @property
    def counts(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True, slots=True)
class ProviderRow:
    """One provider's indicators for the period; `rank` is None when it had nothing due."""

    organisation_id: int
    name: str
    rank: int | None
    collected: int
    on_time: Rate
    errors: Rate
    objections: int
    answered: int
    objections_overdue: int
    wrong: Rate
    repairs_decided: int
    repairs_overdue: int
    tasks_fed_back: int
    tasks_overdue: int


@dataclass(frozen=True, slots=True)
class Indicator:
    """A column of the report: its heading and how it is computed, for the report's notes."""

    key: str
    label: str
    note: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "collected",
        "归集记录",
        "统计期间内报送日期落在期间内的信用记录条数（含已更正、撤销的记录）。",
    ),
    Indicator(
        "on_time",
        "按时报送率",
        "按时报送的记录 ÷ 有报送时限的记录，均按报送日期计入期间；报送日期不晚于报送时限即为按时"
        "（西安 第三十四条，南通 第二十二条）。期间内没有有时限的记录时显示“—”，不参与排名。",
    ),
    Indicator(
        "errors",
        "差错率",
        "退回行数 ÷ 报送行数，按批次接收时间计入期间；退回行是校验未通过、未入库的行。没有报送行时显示“—”。",
    ),
    Indicator(
        "objections",
        "异议项",
        "信息主体对本单位记录提出的异议信息项，按异议申请时间计入期间。",
    ),
    Indicator(
        "answered",
        "已答复",
        "本单位答复的异议信息项（更正、核实无误、无法核实），按答复日期计入期间；"
        "平台核查中因平台原因直接更正或撤销的不计入（南通 第十四条）。",
    ),
    Indicator(
        "objections_overdue",
        "答复逾期",
        "超过提供单位答复时限仍未答复、被标记逾期的异议信息项，按异议申请时间计入期间（西安 第三十条）。",
    ),
    Indicator(
        "wrong",
        "记录有误占比",
        "已答复的异议信息项中本单位更正了记录的比例（更正 ÷ 已答复）。核实无误和无法核实的不算有误："
        "无法核实并非认定记录错误，且各地处理不同（删除或附注声明）。没有已答复项时显示“—”。",
    ),
    Indicator(
        "repairs_decided",
        "修复已决定",
        "本单位作出决定（予以修复或不予修复）的信用修复申请，按决定时间计入期间（西安 第三十二条）。",
    ),
    Indicator(
        "repairs_overdue",
        "修复逾期",
        "超过决定期限未作决定（含逾期后才决定）的信用修复申请，按提交时间计入期间。",
    ),
    Indicator(
        "tasks_fed_back",
        "奖惩已反馈",
        "本单位作为实施部门已反馈的联合奖惩任务，按反馈时间计入期间（元宝山方案 五（一））。",
    ),
    Indicator(
        "tasks_overdue",
        "奖惩反馈逾期",
        "本单位作为实施部门超过反馈时限的联合奖惩任务，按派发时间计入期间（元宝山方案 五（九））。",
    ),
)


def _rank_key(row: ProviderRow) -> tuple[int, Fraction, int, str, int]:
    on_time = row.on_time.value
    return (on_time is None, -(on_time or Fraction(0)), -row.collected, row.name, row.organisation_id)


def assess(totals: Iterable[Mapping[str, Any]], names: Mapping[int, str]) -> list[ProviderRow]:
    """One row per organisation with any assessed figure, from tally sums grouped by
    organisation, metric and dimension; ranked by on-time rate (highest first), equal rates
    sharing a rank, providers with nothing due last and unranked."""
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for total in totals:
        organisation = total["organisation_id"]
        if organisation is None or total["metric"] not in METRICS:
            continue
        value = int(total["value"] or 0)
        metric = str(total["metric"])
        figures = sums[organisation]
        if metric == "objections.answered":
            result = str(total.get("dimension") or "")
            if result in PLATFORM_RESULTS:
                continue
            figures["answered"] += value
            if result in WRONG_RESULTS:
                figures["wrong"] += value
            continue
        figures[metric] += value
    rows = [
        ProviderRow(
            organisation_id=organisation,
            name=names.get(organisation, f"单位 {organisation}"),
            rank=None,
            collected=f["records.collected"],
            on_time=Rate(f["records.on_time"], f["records.with_due"]),
            errors=Rate(f["batches.rejected_rows"], f["batches.rows"]),
            objections=f["objections.opened"],
            answered=f["answered"],
            objections_overdue=f["objections.overdue"],
            wrong=Rate(f["wrong"], f["answered"]),
            repairs_decided=f["repairs.decided"],
            repairs_overdue=f["repairs.overdue"],
            tasks_fed_back=f["measures.fed_back"],
            tasks_overdue=f["measures.overdue"],
        )
        for organisation, f in sums.items()
        if any(f.values())
    ]
    rows.sort(key=_rank_key)
    ranked: list[ProviderRow] = []
    previous: Fraction | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        rate = row.on_time.value
        if rate is None:
            ranked.append(row)
            continue
        if rate != previous:
            rank, previous = position, rate
        ranked.append(_with_rank(row, rank))
    return ranked


def _with_rank(row: ProviderRow, rank: int) -> ProviderRow:
    fields = {name: getattr(row, name) for name in ProviderRow.__dataclass_fields__}
    fields["rank"] = rank
    return ProviderRow(**fields)


# --- the report ------------------------------------------------------------------------------


#: How the rows are chosen and ordered, and why there is no total; every rendering says it.
SCOPE_NOTE = (
    "列出统计期间内有任一考核指标的单位（含仅作为联合奖惩实施部门的单位）。"
    "排名按按时报送率从高到低，比率相同名次相同；期间内没有有报送时限记录的单位列在最后，不排名。"
    "分母为零的比率显示“—”，不是 0% 或 100%。"
    "本报告不计算综合得分，各项指标的权重由主管部门确定。"
)


@dataclass(frozen=True, slots=True)
class Assessment:
    """What every rendering of the report shows: the same rows, period and freshness."""

    period: Period
    district: str
    rows: list[ProviderRow]
    rollup: RollupRun | None
    generated_at: dt.datetime
    today: dt.date

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return INDICATORS

    @property
    def scope_note(self) -> str:
        return SCOPE_NOTE

    @property
    def caveat(self) -> str:
        """Why the figures may not be the period's final ones ("" when they are): the period is
        still running, or the last rollup ran before it ended, or none has run."""
        if self.rollup is None:
            return "尚未进行统计汇总，暂无数据。"
        if not self.period.ended_by(self.today):
            return "统计期间尚未结束，数据截至最近一次统计汇总。"
        if timezone.localtime(self.rollup.finished_at).date() <= self.period.last_day:
            return "最近一次统计汇总早于统计期间结束，数据不完整；请在汇总后重新生成。"
        return ""


def assessment_build(*, period: Period, district: str, now: dt.datetime, today: dt.date) -> Assessment:
    """The report for `period` (and `district`), read from the tallies of the last rollup."""
    where = TallyFilter(month_from=period.first_day, month_to=period.last_month, district=district)
    totals = tally_totals(where, METRICS, by=("organisation_id", "metric", "dimension"))
    names = organisation_names(sorted({t["organisation_id"] for t in totals if t["organisation_id"] is not None}))
    return Assessment(
        period=period,
        district=district,
        rows=assess(totals, names),
        rollup=last_rollup(),
        generated_at=now,
        today=today,
    )
