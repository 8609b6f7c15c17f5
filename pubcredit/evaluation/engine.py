"""The scorecard engine: pure arithmetic from a subject's aggregates to points, grade and why.

Every number comes from the scorecard file (`loader.py`); the engine holds none of its own. The
aggregates are read in bulk by `aggregates.py`; here one subject is scored from them:

- an indicator with `per_unit` earns `per_unit × value` points, limited to `cap` when given;
- an indicator with `bands` earns the points of the first band holding the value;
- `days_since_latest` with nothing found earns `when_none`;
- a dimension's points are the sum of its indicators' times its `weight`, kept within its
  `min`/`max`, rounded half up; the score is `base` plus the dimensions, kept within the range;
- the grade is the one with the highest floor not above the score.

The explanation is a list of lines `[indicator, points, why]`, one for the base and one for every
indicator that won or lost points (and one for any limit that applied).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pubcredit.evaluation.loader import Indicator, Scorecard

Line = list[Any]  # [indicator name, points, why]


@dataclass(frozen=True, slots=True)
class Result:
    points: int
    grade: str
    lines: list[Line]


def _round(value: float) -> int:
    """Half away from zero, like ROUND_HALF_UP on the magnitude."""
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + _num(value)


def raw_points(indicator: Indicator, value: float | None) -> float:
    """Points before the dimension weight (numbers only: the hot path of the batch)."""
    if value is None:
        return float(indicator.when_none)
    if indicator.per_unit is not None:
        raw = indicator.per_unit * value
        cap = indicator.cap
        if cap is not None and abs(raw) > abs(cap):
            return float(cap)
        return float(raw)
    for band in indicator.bands:
        if band.holds(value):
            return float(band.points)
    return 0.0


def indicator_rule(indicator: Indicator, value: float | None, raw: float) -> str:
    """The rule that gave `raw` points for `value`, in Chinese."""
    if value is None:
        return f"未发现此类信息，{_signed(indicator.when_none)} 分"
    if indicator.per_unit is not None:
        rule = f"每项 {_signed(indicator.per_unit)} 分"
        if indicator.half_life_days is not None:
            rule = f"半衰期 {indicator.half_life_days} 天，{rule}"
        if indicator.cap is not None and raw == indicator.cap and abs(indicator.per_unit * value) > abs(indicator.cap):
            rule += f"，以 {_signed(indicator.cap)} 分为限"
        return rule
    for band in indicator.bands:
        if band.holds(value):
            low = "" if band.low is None else _num(band.low)
            high = "" if band.high is None else _num(band.high)
            return f"{low}–{high} 档，{_signed(band.points)} 分"
    return "不在任何分档内，0 分"


def score(card: Scorecard, values: Sequence[float | None], slots: Sequence[Sequence[int]]) -> Result:
    """Score one subject. `values` are the aggregates; `slots[d][i]` is the index in `values` of
    dimension d's indicator i (see `aggregates.Plan`)."""
    lines: list[Line] = [["基础分", card.base, f"{card.name}（第 {card.version} 版）"]]
    total = card.base
    for dimension, dimension_slots in zip(card.dimensions, slots, strict=True):
        raw_sum = 0.0
        weight = dimension.weight
        for indicator, slot in zip(dimension.indicators, dimension_slots, strict=True):
            value = values[slot]
            raw = raw_points(indicator, value)
            if raw == 0:
                continue
            raw_sum += raw
            shown = raw * weight
            rule = indicator_rule(indicator, value, raw)
            if weight != 1:
                rule += f"，乘以维度权重 {weight:g}"
            why = indicator.explain.format(value=_num(value) if value is not None else "0", points=_num(shown))
            lines.append([indicator.name, round(shown, 2), f"{why}，{rule}"])
        if raw_sum == 0:
            continue
        weighted = raw_sum * weight
        kept = weighted
        if dimension.high is not None and kept > dimension.high:
            kept = float(dimension.high)
        if dimension.low is not None and kept < dimension.low:
            kept = float(dimension.low)
        if kept != weighted:
            lines.append([dimension.name, round(kept - weighted, 2), f"{dimension.name}维度得分以 {_num(kept)} 分为限"])
        total += _round(kept)
    if total > card.high or total < card.low:
        kept_total = min(max(total, card.low), card.high)
        lines.append(["分值范围", kept_total - total, f"总分限定在 {card.low}–{card.high} 分之间"])
        total = kept_total
    grade = next(g for g in card.grades if total >= g.low)
    return Result(total, grade.code, lines)


def grade_label(card: Scorecard, code: str) -> str:
    return next((g.label for g in card.grades if g.code == code), code)
