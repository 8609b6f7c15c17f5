"""Pure rules about one credit record: its disclosure period and what makes it acceptable.

Every number comes from the policy pack in force on the decision date or from the catalogue
item; every decision carries the keys and articles that made it (`basis`), for `explain`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

TIERS: dict[str, str] = {"minor": "轻微", "general": "一般", "severe": "严重"}
TIER_KEYS = tuple(f"disclosure.tier_max_months.{tier}" for tier in TIERS)
CLASS_LABELS: dict[str, str] = {
    "registration": "登记类",
    "qualification": "资质类",
    "commendation": "表彰类",
    "supervision": "监管类",
    "judgment": "判决类",
}
KIND_LABELS: dict[str, str] = {"basic": "基本信息", "good": "良好信息", "bad": "不良信息"}


class PolicyParam(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def value(self) -> object: ...

    @property
    def article(self) -> str: ...

    @property
    def pack(self) -> str: ...


class PolicyReader(Protocol):
    def param(self, key: str) -> PolicyParam: ...


class PeriodItem(Protocol):
    """What the period rule needs of a catalogue item version."""

    code: str
    version: int
    legal_basis: str

    @property
    def period_rule(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class PeriodDecision:
    """The public disclosure end (None = long-term), the retention end, and why."""

    ends_on: dt.date | None
    retention_ends_on: dt.date | None
    basis: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day.

    民法典 第二百零一条、第二百零二条: a period in months starts the day after the start date and
    ends on the corresponding day of the last month (the month's end when there is none).
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _cite(policy: PolicyReader, key: str) -> tuple[object, dict[str, Any]]:
    param = policy.param(key)
    return param.value, {"key": key, "value": param.value, "article": param.article, "pack": param.pack}


def _item_basis(item: PeriodItem, note: str) -> dict[str, Any]:
    return {
        "key": f"catalog.{item.code}.v{item.version}.period_rule",
        "value": dict(item.period_rule),
        "article": item.legal_basis or "目录约定（西安 第二十一条：披露期限由目录约定）",
        "pack": "catalog",
        "note": note,
    }


def tiers_in_force(policy: PolicyReader) -> bool:
    """True once the national tiers (轻微/一般/严重) have a maximum period (from 2026-04-01)."""
    return any(policy.param(key).value is not None for key in TIER_KEYS)


def period_start(policy: PolicyReader, decided_on: dt.date, end_date: dt.date | None) -> dt.date:
    """The day a record's periods count from under the pack (`disclosure.period_start`): the end
    of the act where the pack says so and the record has one, else the decision day."""
    if policy.param("disclosure.period_start").value == "end_date" and end_date is not None:
        return end_date
    return decided_on


def disclosure_period(
    *,
    item: PeriodItem,
    kind: str,
    info_class: str,
    tier: str | None,
    decided_on: dt.date,
    end_date: dt.date | None,
    subject_kind: str,
    policy: PolicyReader,
) -> PeriodDecision:
    """How long a record is publicly disclosed and kept (`_period`), within a person's query limit.

    Where the pack limits how long a natural person's information may be queried
    (`disclosure.person_purge_after_years`, 西安 第二十二条: 一般为五年，届满后予以删除), the stored
    ends are no later than that, counted from the period start, so that the expiry sweep purges
    the record on that day like any other, long-term items included.
    """
    period = _period(
        item=item,
        kind=kind,
        info_class=info_class,
        tier=tier,
        decided_on=decided_on,
        end_date=end_date,
        subject_kind=subject_kind,
        policy=policy,
    )
    years, years_basis = _cite(policy, "disclosure.person_purge_after_years")
    if subject_kind != "person" or not isinstance(years, int) or isinstance(years, bool):
        return period
    limit = add_months(period_start(policy, decided_on, end_date), 12 * years)
    if period.retention_ends_on is not None and period.retention_ends_on <= limit:
        return period
    ends_on = limit if period.ends_on is None else min(period.ends_on, limit)
    return PeriodDecision(
        ends_on,
        limit,
        [*period.basis, years_basis],
        f"{period.summary}；自然人信用信息查询期限{years}年（{years_basis['article']}），至 {limit.isoformat()}后删除",
    )


def _period(
    *,
    item: PeriodItem,
    kind: str,
    info_class: str,
    tier: str | None,
    decided_on: dt.date,
    end_date: dt.date | None,
    subject_kind: str,
    policy: PolicyReader,
) -> PeriodDecision:
    """How long a record is publicly disclosed, and how long it is kept for authorised use.

    Order: a long-term catalogue rule or class (南通 第十一条, 大连 第十二条); basic and good
    information without a period; otherwise months from the catalogue (西安 第二十一条), the
    city period for its classes (元宝山 第二十八条, 大连 第十二条) or the national tier maximum,
    counted from the end date or the decision date as the pack says. Where a national tier
    maximum in force is shorter, it prevails for public disclosure and the longer city value
    governs retention (ARCHITECTURE.md, "The regulation as data").
    """
    rule = item.period_rule
    mode = rule.get("mode")
    kind_label = KIND_LABELS.get(kind, kind)
    if mode == "long_term":
        return PeriodDecision(None, None, [_item_basis(item, "目录约定长期披露")], f"目录项 {item.code} 约定长期披露")
    long_classes, long_basis = _cite(policy, "disclosure.long_term_classes")
    if isinstance(long_classes, list) and info_class in long_classes:
        label = CLASS_LABELS.get(info_class, info_class)
        return PeriodDecision(None, None, [long_basis], f"{label}信息长期披露（{long_basis['article']}）")
    if kind != "bad" and mode != "months":
        no_period = [
            {
                "key": "record.kind",
                "value": kind,
                "article": "",
                "pack": "catalog",
                "note": "披露期限只对不良信息作出规定，目录项未另行约定",
            }
        ]
        return PeriodDecision(None, None, no_period, f"{kind_label}未设披露期限，长期披露")

    basis: list[dict[str, Any]] = []
    start_rule, start_basis = _cite(policy, "disclosure.period_start")
    basis.append(start_basis)
    if start_rule == "end_date" and end_date is not None:
        start, start_label = end_date, "认定终止之日"
    else:
        start, start_label = decided_on, "决定之日"
        if start_rule == "end_date":
            start_basis["note"] = "未提供认定终止之日，自决定之日起算"

    months: int | None = None
    source = ""
    if mode == "months":
        months = int(rule["months"])
        basis.append(_item_basis(item, "目录约定的披露期限"))
        source = f"目录项 {item.code} 约定{months}个月"
    city_months, city_basis = _cite(policy, "disclosure.bad_period_months")
    city_classes, classes_basis = _cite(policy, "disclosure.bad_period_classes")
    tier_max: int | None = None
    tier_basis: dict[str, Any] | None = None
    if kind == "bad" and tier is not None and tier in TIERS:
        raw_max, tier_basis = _cite(policy, f"disclosure.tier_max_months.{tier}")
        tier_max = raw_max if isinstance(raw_max, int) else None
    if months is None and kind == "bad":
        if isinstance(city_months, int) and isinstance(city_classes, list) and info_class in city_classes:
            months = city_months
            basis.extend([city_basis, classes_basis])
            source = f"{city_basis['article']}规定{months}个月"
        elif tier_max is not None and tier_basis is not None and tier is not None:
            months = tier_max
            basis.append(tier_basis)
            source = f"{TIERS[tier]}失信信息公示期限最长{months}个月（{tier_basis['article']}）"
        elif isinstance(rule.get("catalogue_months"), int):
            months = int(rule["catalogue_months"])
            basis.append(_item_basis(item, "政策包和全国分级均未规定期限，按目录约定"))
            source = f"目录项 {item.code} 约定{months}个月"
    if months is None:
        basis.append(
            {
                "key": "record.period",
                "value": None,
                "article": "",
                "pack": "catalog",
                "note": "政策包、全国分级和目录均未规定披露期限",
            }
        )
        return PeriodDecision(None, None, basis, f"{kind_label}无适用的披露期限规定，长期披露")

    retention_end = add_months(start, months)
    public_months = months
    summary_tail = ""
    if kind == "bad" and tier_max is not None and tier_basis is not None and tier_max < months and tier is not None:
        public_months = tier_max
        tier_basis = {
            **tier_basis,
            "note": f"全国上限{tier_max}个月短于{months}个月，对外公开适用全国上限；原期限用于档案保存和授权查询",
            "prevails": True,
        }
        basis.append(tier_basis)
        summary_tail = (
            f"；{source}，但全国{TIERS[tier]}失信信息公示期限最长{tier_max}个月（{tier_basis['article']}），"
            f"对外公开以全国规定为准，原期限用于保存至 {retention_end.isoformat()}"
        )
        source = f"全国{TIERS[tier]}失信信息公示期限上限{tier_max}个月"
    ends_on = add_months(start, public_months)
    summary = (
        f"{kind_label}自{start.isoformat()}（{start_label}）起披露{public_months}个月，至 {ends_on.isoformat()}"
        f"（{source}）{summary_tail}"
    )
    return PeriodDecision(ends_on, max(ends_on, retention_end), basis, summary)
