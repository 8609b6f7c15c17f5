"""The regulation of joint rewards and sanctions as pure functions of the facts about a subject.

- Good credit earns priority and facilitation (元宝山 第二十四条); honest subjects (red list) and
  those with `measures.green_channel_clean_years` straight years without bad records get the green
  channel and 容缺受理 (元宝山方案 三（二）; 国发〔2016〕33号).
- Bad credit brings key supervision (元宝山 第二十五条): more inspections, no exemptions,
  facilitation withdrawn.
- The severe dishonesty list brings the measures of 元宝山 第二十六条.
- Measures resting on a record under objection verification wait (元宝山方案 五（八）), where the
  pack says so (the objection carries `objection.sanctions_suspended_while_open`).
- Mandatory measures come before recommended ones (元宝山方案 五（六）).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pubcredit.measures.models import MeasureCondition, MeasureForce, MeasureNature
from pubcredit.records.rules import PolicyReader, add_months

CLEAN_YEARS_KEY = "measures.green_channel_clean_years"
FEEDBACK_WD_KEY = "measures.feedback_wd"


@dataclass(frozen=True)
class EntryFact:
    entry_id: int
    number: str
    kind: str
    list_type_id: int
    list_name: str
    department: str
    ends_on: dt.date | None
    suspended: bool  # a basis record is under objection verification


@dataclass(frozen=True)
class CreditFacts:
    on: dt.date
    entries: tuple[EntryFact, ...]
    bad_in_period: int  # bad records disclosed today (active, within their disclosure period)
    bad_in_period_suspended: int  # of those, under objection verification with sanctions suspended
    last_bad_on: dt.date | None  # the newest decision day of a bad record that still stands
    known_since: dt.date  # the earliest day the platform knows the subject by


@dataclass(frozen=True)
class MeasureFact:
    measure_id: int
    code: str
    name: str
    nature: str
    force: str
    condition: str
    list_type_ids: frozenset[int]
    business_types: tuple[str, ...]
    department: str
    legal_basis: str


@dataclass(frozen=True)
class Flag:
    on: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureHit:
    measure: MeasureFact
    because: str
    suspended: bool
    entries: tuple[str, ...] = field(default=())


def green_channel(facts: CreditFacts, policy: PolicyReader) -> Flag:
    """Red-list subjects, and subjects known for N years with no bad record in the last N years."""
    reasons: list[str] = []
    for entry in facts.entries:
        if entry.kind == "red":
            reasons.append(f"列入“{entry.list_name}”（{entry.number}）")
    param = policy.param(CLEAN_YEARS_KEY)
    years = param.value
    if isinstance(years, int) and years > 0:
        since = add_months(facts.on, -12 * years)
        clean = facts.last_bad_on is None or facts.last_bad_on < since
        if clean and facts.known_since <= since and not _black_or_watch(facts):
            reasons.append(f"连续 {years} 年无不良信用记录（{param.article}）")
    return Flag(bool(reasons), tuple(reasons))


def _black_or_watch(facts: CreditFacts) -> bool:
    return any(entry.kind in ("black", "watch") for entry in facts.entries)


def key_supervision(facts: CreditFacts) -> Flag:
    """Bad credit (元宝山 第二十五条): bad records disclosed today, or a black or watch list entry."""
    reasons: list[str] = []
    if facts.bad_in_period:
        reasons.append(f"有 {facts.bad_in_period} 条在披露期内的不良信息")
    for entry in facts.entries:
        if entry.kind in ("black", "watch"):
            reasons.append(f"列入“{entry.list_name}”（{entry.number}）")
    return Flag(bool(reasons), tuple(reasons))


def _suits(measure: MeasureFact, business_type: str | None) -> bool:
    return business_type is None or not measure.business_types or business_type in measure.business_types


def measures_applying(
    facts: CreditFacts,
    measures: list[MeasureFact],
    policy: PolicyReader,
    *,
    business_type: str | None = None,
) -> list[MeasureHit]:
    """The measures that apply to the subject for this business, mandatory first (方案 五（六）)."""
    good = green_channel(facts, policy)
    bad = key_supervision(facts)
    hits: list[MeasureHit] = []
    for measure in measures:
        if not _suits(measure, business_type):
            continue
        if measure.condition == MeasureCondition.LISTED:
            matched = [e for e in facts.entries if e.list_type_id in measure.list_type_ids]
            if matched:
                names = "、".join(sorted({e.list_name for e in matched}))
                suspended = all(e.suspended for e in matched) and measure.nature == MeasureNature.SANCTION
                hits.append(MeasureHit(measure, f"列入{names}", suspended, tuple(e.number for e in matched)))
        elif measure.condition == MeasureCondition.GOOD_CREDIT and good.on:
            hits.append(MeasureHit(measure, "；".join(good.reasons), False))
        elif measure.condition == MeasureCondition.BAD_CREDIT and bad.on:
            listed = [e for e in facts.entries if e.kind in ("black", "watch")]
            only_records = not listed
            suspended = (
                only_records and facts.bad_in_period > 0 and facts.bad_in_period == facts.bad_in_period_suspended
            )
            hits.append(MeasureHit(measure, "；".join(bad.reasons), suspended, tuple(e.number for e in listed)))
    return sorted(hits, key=_order)


def _order(hit: MeasureHit) -> tuple[int, int, str]:
    return (
        0 if hit.measure.force == MeasureForce.MANDATORY else 1,
        0 if hit.measure.nature == MeasureNature.SANCTION else 1,
        hit.measure.code,
    )


def feedback_days(policy: PolicyReader) -> tuple[int | None, str]:
    """Working days an implementing department has to feed back (`measures.feedback_wd`)."""
    param = policy.param(FEEDBACK_WD_KEY)
    value = param.value
    return (value if isinstance(value, int) else None), f"{param.article}（{param.pack}）"
