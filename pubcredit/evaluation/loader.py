"""Reading scorecards (TOML under `scorecards/`) into checked, typed `Scorecard` objects.

A scorecard is data: its dimensions, indicators, weights, score range, grade bands, every number
with a `basis` text, and the sentence that explains each indicator's points. A file with an
unknown key, a wrong type, a missing explanation or basis is refused with a message naming the
file and the key, like the policy packs (`pubcredit/policy/loader.py`). A change is a new
version: a new file with a higher `version` and a later `effective_from`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pubcredit.core.errors import ConfigurationError
from pubcredit.records.rules import CLASS_LABELS, KIND_LABELS, TIERS

SCORECARDS_DIR = Path(__file__).resolve().parent / "scorecards"

SOURCES = ("records", "lists")
MEASURES = ("count", "decayed_count", "days_since_latest")
SUBJECT_KINDS = ("org", "person")
LIST_KINDS = ("red", "black", "watch")
#: The filter keys each source understands, with the values allowed (None: a code pattern).
FILTER_KEYS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "records": {"kind": tuple(KIND_LABELS), "tier": tuple(TIERS), "info_class": tuple(CLASS_LABELS), "item_code": None},
    "lists": {"kind": LIST_KINDS},
}
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ITEM_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


@dataclass(frozen=True, slots=True)
class Band:
    """Points for a value in [low, high] (inclusive; None = open)."""

    low: float | None
    high: float | None
    points: int

    def holds(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    name: str
    source: str
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    measure: str
    half_life_days: int | None
    per_unit: int | None
    cap: int | None
    bands: tuple[Band, ...]
    when_none: int
    explain: str
    basis: str

    @property
    def aggregate_key(self) -> tuple[Any, ...]:
        """What the engine must read for this indicator; equal keys share one aggregate."""
        return (self.source, self.filters, self.measure, self.half_life_days)


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    name: str
    weight: float
    low: int | None
    high: int | None
    basis: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class Grade:
    code: str
    label: str
    low: int
    basis: str


@dataclass(frozen=True, slots=True)
class Scorecard:
    code: str
    name: str
    version: int
    effective_from: dt.date
    subject_kinds: tuple[str, ...]
    basis: str
    base: int
    low: int
    high: int
    range_basis: str
    grades: tuple[Grade, ...]  # highest floor first
    dimensions: tuple[Dimension, ...]
    path: Path

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)


class _Reader:
    """Checks one file's tables, naming the file and the dotted key in every refusal."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> ConfigurationError:
        return ConfigurationError(f"Scorecard {self.path.name}: {key}: {problem}")

    def table(self, data: Any, key: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        for name in data:
            if name not in allowed:
                raise self.fail(f"{key}.{name}" if key else name, f"unknown key (allowed: {', '.join(allowed)})")
        for name in required:
            if name not in data:
                raise self.fail(f"{key}.{name}" if key else name, "missing")
        return data

    def text(self, data: Mapping[str, Any], key: str, name: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key}.{name}", "must be a non-empty string")
        return value.strip()

    def code(self, data: Mapping[str, Any], key: str, name: str = "code") -> str:
        value = self.text(data, key, name)
        if not _CODE.match(value):
            raise self.fail(f"{key}.{name}", f"{value!r} is not a code (lower-case letters, digits, _)")
        return value

    def integer(self, data: Mapping[str, Any], key: str, name: str, *, optional: bool = False) -> int | None:
        if name not in data and optional:
            return None
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{key}.{name}", f"must be an integer, not {type(value).__name__}")
        return value

    def number(self, data: Mapping[str, Any], key: str, name: str, *, optional: bool = False) -> float | None:
        if name not in data and optional:
            return None
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{key}.{name}", f"must be a number, not {type(value).__name__}")
        return float(value)


def _filters(reader: _Reader, source: str, raw: Any, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    allowed = FILTER_KEYS[source]
    table = reader.table(raw, key, tuple(allowed), ())
    out: list[tuple[str, tuple[str, ...]]] = []
    for name in sorted(table):
        values = table[name]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise reader.fail(f"{key}.{name}", "must be a non-empty list of strings")
        choices = allowed[name]
        for value in values:
            if choices is not None and value not in choices:
                raise reader.fail(f"{key}.{name}", f"{value!r} is not one of {', '.join(choices)}")
            if choices is None and not _ITEM_CODE.match(value):
                raise reader.fail(f"{key}.{name}", f"{value!r} is not a catalogue item code")
        out.append((name, tuple(sorted(set(values)))))
    return tuple(out)


_INDICATOR_KEYS = (
    "code",
    "name",
    "source",
    "filter",
    "measure",
    "half_life_days",
    "per_unit",
    "cap",
    "bands",
    "when_none",
    "explain",
    "basis",
)


def _indicator(reader: _Reader, raw: Any, key: str) -> Indicator:
    data = reader.table(raw, key, _INDICATOR_KEYS, ("code", "name", "source", "measure", "explain", "basis"))
    code = reader.code(data, key)
    source = reader.text(data, key, "source")
    if source not in SOURCES:
        raise reader.fail(f"{key}.source", f"{source!r} is not one of {', '.join(SOURCES)}")
    measure = reader.text(data, key, "measure")
    if measure not in MEASURES:
        raise reader.fail(f"{key}.measure", f"{measure!r} is not one of {', '.join(MEASURES)}")
    half_life = reader.integer(data, key, "half_life_days", optional=True)
    if measure == "decayed_count":
        if half_life is None or half_life <= 0:
            raise reader.fail(f"{key}.half_life_days", "a decayed count needs a positive half-life in days")
        if source != "records":
            raise reader.fail(f"{key}.measure", "a decayed count is computed over records only")
    elif half_life is not None:
        raise reader.fail(f"{key}.half_life_days", "only a decayed count has a half-life")
    per_unit = reader.integer(data, key, "per_unit", optional=True)
    cap = reader.integer(data, key, "cap", optional=True)
    bands: list[Band] = []
    if "bands" in data:
        if not isinstance(data["bands"], list) or not data["bands"]:
            raise reader.fail(f"{key}.bands", "must be a non-empty list of tables")
        for n, raw_band in enumerate(data["bands"]):
            band_key = f"{key}.bands[{n}]"
            band = reader.table(raw_band, band_key, ("min", "max", "points"), ("points",))
            low = reader.number(band, band_key, "min", optional=True)
            high = reader.number(band, band_key, "max", optional=True)
            if low is not None and high is not None and low > high:
                raise reader.fail(band_key, f"min {low:g} is above max {high:g}")
            bands.append(Band(low, high, reader.integer(band, band_key, "points") or 0))
    if (per_unit is None) == (not bands):
        raise reader.fail(key, "give either per_unit (points per unit of the measure) or bands, not both")
    if cap is not None and per_unit is None:
        raise reader.fail(f"{key}.cap", "a cap limits per_unit points only")
    if cap is not None and per_unit is not None and (cap < 0) != (per_unit < 0):
        raise reader.fail(f"{key}.cap", f"cap {cap} and per_unit {per_unit} must have the same sign")
    when_none = reader.integer(data, key, "when_none", optional=True)
    if when_none is not None and measure != "days_since_latest":
        raise reader.fail(f"{key}.when_none", "only days_since_latest has a value for 'nothing found'")
    explain = reader.text(data, key, "explain")
    try:
        explain.format(value=1, points=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise reader.fail(f"{key}.explain", f"may use {{value}} and {{points}} only ({exc})") from None
    return Indicator(
        code=code,
        name=reader.text(data, key, "name"),
        source=source,
        filters=_filters(reader, source, data.get("filter", {}), f"{key}.filter"),
        measure=measure,
        half_life_days=half_life,
        per_unit=per_unit,
        cap=cap,
        bands=tuple(bands),
        when_none=when_none or 0,
        explain=explain,
        basis=reader.text(data, key, "basis"),
    )


def load_scorecard(path: Path) -> Scorecard:
    """One file, checked; raises `ConfigurationError` naming the file and the key."""
    reader = _Reader(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"Scorecard {path.name}: not valid TOML: {exc}") from None
    top = reader.table(
        raw, "", ("scorecard", "score", "grades", "dimensions"), ("scorecard", "score", "grades", "dimensions")
    )
    head = reader.table(
        top["scorecard"],
        "scorecard",
        ("code", "name", "version", "effective_from", "subject_kinds", "basis"),
        ("code", "name", "version", "effective_from", "subject_kinds", "basis"),
    )
    version = reader.integer(head, "scorecard", "version") or 0
    if version < 1:
        raise reader.fail("scorecard.version", "must be 1 or more")
    effective = head["effective_from"]
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        raise reader.fail("scorecard.effective_from", "must be a date (YYYY-MM-DD)")
    kinds = head["subject_kinds"]
    if not isinstance(kinds, list) or not kinds or any(k not in SUBJECT_KINDS for k in kinds):
        raise reader.fail("scorecard.subject_kinds", f"must be a non-empty list from {', '.join(SUBJECT_KINDS)}")
    score = reader.table(top["score"], "score", ("base", "min", "max", "basis"), ("base", "min", "max", "basis"))
    base, low, high = (reader.integer(score, "score", name) or 0 for name in ("base", "min", "max"))
    if not low <= base <= high:
        raise reader.fail("score", f"base {base} must lie within min {low} and max {high}")
    grades: list[Grade] = []
    if not isinstance(top["grades"], list) or not top["grades"]:
        raise reader.fail("grades", "must be a non-empty list of tables ([[grades]])")
    for n, raw_grade in enumerate(top["grades"]):
        key = f"grades[{n}]"
        grade = reader.table(raw_grade, key, ("code", "label", "min", "basis"), ("code", "label", "min", "basis"))
        grades.append(
            Grade(
                code=reader.text(grade, key, "code"),
                label=reader.text(grade, key, "label"),
                low=reader.integer(grade, key, "min") or 0,
                basis=reader.text(grade, key, "basis"),
            )
        )
    grades.sort(key=lambda g: g.low, reverse=True)
    if grades[-1].low > low:
        raise reader.fail("grades", f"the lowest grade starts at {grades[-1].low}, above the score minimum {low}")
    if len({g.code for g in grades}) != len(grades) or len({g.low for g in grades}) != len(grades):
        raise reader.fail("grades", "grade codes and floors must be distinct")
    dimensions: list[Dimension] = []
    if not isinstance(top["dimensions"], list) or not top["dimensions"]:
        raise reader.fail("dimensions", "must be a non-empty list of tables ([[dimensions]])")
    seen: set[str] = set()
    for n, raw_dim in enumerate(top["dimensions"]):
        key = f"dimensions[{n}]"
        dim = reader.table(
            raw_dim,
            key,
            ("code", "name", "weight", "min", "max", "basis", "indicators"),
            ("code", "name", "weight", "basis", "indicators"),
        )
        weight = reader.number(dim, key, "weight") or 0.0
        if weight <= 0:
            raise reader.fail(f"{key}.weight", "must be positive")
        if not isinstance(dim["indicators"], list) or not dim["indicators"]:
            raise reader.fail(f"{key}.indicators", "must be a non-empty list of tables")
        indicators = tuple(_indicator(reader, raw, f"{key}.indicators[{m}]") for m, raw in enumerate(dim["indicators"]))
        for indicator in indicators:
            if indicator.code in seen:
                raise reader.fail(f"{key}.indicators", f"indicator code {indicator.code!r} used twice")
            seen.add(indicator.code)
        dimensions.append(
            Dimension(
                code=reader.code(dim, key),
                name=reader.text(dim, key, "name"),
                weight=weight,
                low=reader.integer(dim, key, "min", optional=True),
                high=reader.integer(dim, key, "max", optional=True),
                basis=reader.text(dim, key, "basis"),
                indicators=indicators,
            )
        )
    return Scorecard(
        code=reader.code(head, "scorecard"),
        name=reader.text(head, "scorecard", "name"),
        version=version,
        effective_from=effective,
        subject_kinds=tuple(kinds),
        basis=reader.text(head, "scorecard", "basis"),
        base=base,
        low=low,
        high=high,
        range_basis=reader.text(score, "score", "basis"),
        grades=tuple(grades),
        dimensions=tuple(dimensions),
        path=path,
    )


def load_scorecards(directory: Path = SCORECARDS_DIR) -> dict[str, tuple[Scorecard, ...]]:
    """Every scorecard file, by code, versions in ascending order; a repeated version is refused."""
    found: dict[str, list[Scorecard]] = {}
    for path in sorted(directory.glob("*.toml")):
        card = load_scorecard(path)
        found.setdefault(card.code, []).append(card)
    out: dict[str, tuple[Scorecard, ...]] = {}
    for code, cards in found.items():
        cards.sort(key=lambda c: c.version)
        for before, after in itertools.pairwise(cards):
            if before.version == after.version:
                raise ConfigurationError(f"Scorecard {after.path.name}: {code} version {after.version} is repeated")
            if after.effective_from <= before.effective_from:
                raise ConfigurationError(
                    f"Scorecard {after.path.name}: scorecard.effective_from must be after version "
                    f"{before.version}'s {before.effective_from.isoformat()}"
                )
        out[code] = tuple(cards)
    return out


@functools.cache
def _all() -> Mapping[str, tuple[Scorecard, ...]]:
    return load_scorecards()


def scorecard_in_force(code: str, *, on: dt.date) -> Scorecard | None:
    """The newest version of `code` in force on `on` (None before its first version)."""
    chosen = None
    for card in _all().get(code, ()):
        if card.effective_from <= on:
            chosen = card
    return chosen


def scorecards_in_force(*, on: dt.date) -> list[Scorecard]:
    return [card for code in sorted(_all()) if (card := scorecard_in_force(code, on=on)) is not None]
