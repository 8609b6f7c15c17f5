"""The column plan of one file against one catalogue item, and the checking of each row with it.

`FieldSet.parse` checks a row given as a dict, which suits the API and single writes. A file of a
million rows is checked here instead: the headers are mapped once (`map_headers`, with the
personal-information rules), each column gets the check of its field type, and a value already
in its stored form (text within its length, an ISO date, a plain decimal, a USCC or ID number
seen before) is accepted without the general parser. Anything else goes through `parse_value`,
so both paths store the same value and refuse with the same sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pubcredit.catalog.fields import ROLES, FieldSet, FieldSpec, missing_problem, parse_value, value_problem
from pubcredit.catalog.models import CatalogItem
from pubcredit.collection.parsers.headers import ColumnProblem, map_headers
from pubcredit.collection.parsers.table import CellProblem
from pubcredit.records.validation import RowProblem, subject_kind_problem
from pubcredit.subjects.identifiers import validate_id_number

# Record attributes a file may give in columns of their own when no field of the item carries them.
ENVELOPE_HEADERS: dict[str, tuple[str, ...]] = {
    "source_ref": ("source_ref", "来源文号", "决定文书号"),
    "decided_on": ("decided_on", "决定日期", "认定日期"),
    "end_date": ("end_date", "认定终止之日", "终止日期"),
    "tier": ("tier", "失信等级"),
    "subject_kind": ("subject_kind", "主体类别", "主体类型"),
}
TIER_WORDS = {
    "minor": "minor",
    "general": "general",
    "severe": "severe",
    "轻微": "minor",
    "一般": "general",
    "严重": "severe",
}
KIND_WORDS = {
    "org": "org",
    "person": "person",
    "自然人": "person",
    "法人及非法人组织": "org",
    "法人和非法人组织": "org",
    "法人": "org",
    "非法人组织": "org",
    "个体工商户": "org",
}
_MISSING = object()
_CACHE_LIMIT = 300_000  # values remembered per column: enough for departments' codes, bounded memory
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
# Dates given in a column of their own, checked as the catalogue checks a date field.
_DATE_SPECS = {role: FieldSpec(name=role, label=ROLES[role][1], type="date") for role in ("decided_on", "end_date")}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A row whose values passed their field checks, with what the record needs besides them."""

    row: int
    kind: str
    name: str
    uscc: str | None
    id_number: str | None  # checked plain number, for the subject look-up only
    birth_date: dt.date | None
    source_ref: str
    decided_on: dt.date | None
    end_date: dt.date | None
    tier: str | None
    values: dict[str, Any]


class RowPlan:
    """Compiled once per file; `check(number, cells)` per row."""

    def __init__(self, item: CatalogItem, headers: list[str], *, default_tier: str | None = None) -> None:
        field_set = FieldSet(item.field_specs())
        self.item = item
        self.default_tier = default_tier
        self.envelope: dict[str, int] = {}
        field_headers: list[str] = []
        roles = {spec.role for spec in field_set.specs if spec.role}
        for header in headers:
            role = next(
                (r for r, names in ENVELOPE_HEADERS.items() if header.upper() in {n.upper() for n in names}), None
            )
            if role is not None and field_set.spec_for(header) is None and role not in roles:
                self.envelope[role] = headers.index(header)
            else:
                field_headers.append(header)
        mapped = map_headers(field_headers, field_set)
        self.column_problems: list[ColumnProblem] = list(mapped.problems)
        position = {h: i for i, h in enumerate(headers)}
        self.specs = field_set.specs
        self.strings: list[tuple[int, str, int]] = []
        self.dates: list[tuple[int, FieldSpec]] = []
        self.decimals: list[tuple[int, FieldSpec]] = []
        # Types whose values repeat across rows (codes, departments' USCCs) remember their verdicts.
        self.others: list[tuple[int, FieldSpec, dict[str, Any] | None]] = []
        self.role_of: dict[str, str] = {}
        for header, spec in mapped.columns.items():
            i = position[header]
            if spec.role:
                self.role_of[spec.role] = spec.name
            if spec.type in ("string", "text"):
                self.strings.append((i, spec.name, spec.max_length or 255))
            elif spec.type == "date":
                self.dates.append((i, spec))
            elif spec.type == "decimal":
                self.decimals.append((i, spec))
            else:
                cached = spec.type in ("uscc", "enum", "bool", "integer")
                self.others.append((i, spec, {} if cached else None))
        self.spec_by_name = {spec.name: spec for spec in self.specs}
        # A required field whose cell holds a refused value is reported once, for the value.
        self.position_of = {spec.name: position[header] for header, spec in mapped.columns.items()}
        self.header_at = list(headers)
        self.required = {
            kind: frozenset(s.name for s in self.specs if s.is_required_for(kind)) for kind in ("org", "person")
        }
        self.consent_positions = [position[h] for h in mapped.consent_columns]
        self.consent_headers = list(mapped.consent_columns)
        self.consent_ref = position[mapped.consent_ref_column] if mapped.consent_ref_column else None
        if "decided_on" not in self.role_of and "decided_on" not in self.envelope:
            self.column_problems.append(
                ColumnProblem(
                    "决定日期",
                    "missing_required",
                    f"缺少“决定日期”列：目录项“{item.name}”（{item.code}）没有对应字段，须另加“决定日期”（decided_on）列",
                )
            )
        self._ids: dict[str, tuple[str, str, dt.date] | None] = {}
        self._dates: dict[str, dt.date] = {}

    # -- one value ---------------------------------------------------------------------------

    def _id_number(self, raw: str) -> tuple[str, str, dt.date] | None:
        """(masked, plain, birth date) of a valid ID number, None when invalid; remembered."""
        if raw not in self._ids:
            checked = validate_id_number(raw, on_date=dt.date.max)
            self._ids[raw] = (
                (checked.masked, checked.value, checked.birth_date)
                if checked.valid and checked.birth_date is not None
                else None
            )
        return self._ids[raw]

    def _date(self, text: str) -> dt.date:
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = dt.date.fromisoformat(text)
        return found

    # -- one row -----------------------------------------------------------------------------

    def check(
        self, number: int, cells: list[str], cell_problems: tuple[CellProblem, ...] = ()
    ) -> tuple[Candidate | None, list[RowProblem]]:
        problems = [RowProblem(number, p.column or "row", None, p.message) for p in cell_problems]
        values: dict[str, Any] = {}
        for i, name, limit in self.strings:
            v = cells[i]
            if v:
                if len(v) > limit:
                    spec = self.spec_by_name[name]
                    problems.append(
                        RowProblem(
                            number,
                            name,
                            v,
                            value_problem(spec, v, ValueError(f"长度 {len(v)} 超过上限 {limit} 个字符")),
                        )
                    )
                else:
                    values[name] = v
        for i, spec in self.dates:
            v = cells[i]
            if v:
                if len(v) == 10 and v[4] == "-" and v[7] == "-":
                    try:
                        self._date(v)
                        values[spec.name] = v
                        continue
                    except ValueError:
                        pass
                try:
                    values[spec.name] = parse_value(spec, v)
                except ValueError as exc:
                    problems.append(RowProblem(number, spec.name, v, value_problem(spec, v, exc)))
        for i, spec in self.decimals:
            v = cells[i]
            if v:
                if _PLAIN_DECIMAL.fullmatch(v):
                    values[spec.name] = v
                    continue
                try:
                    values[spec.name] = parse_value(spec, v)
                except ValueError as exc:
                    problems.append(RowProblem(number, spec.name, v, value_problem(spec, v, exc)))
        id_plain: str | None = None
        birth: dt.date | None = None
        for i, spec, cache in self.others:
            v = cells[i]
            if not v:
                continue
            if spec.type == "id_number":
                found = self._id_number(v)
                if found is None:
                    reason = ValueError("不是有效的身份证号码（18 位，含校验码，GB 11643）")
                    problems.append(RowProblem(number, spec.name, None, value_problem(spec, v, reason)))
                    continue
                values[spec.name] = found[0]
                if spec.role == "id_number":
                    id_plain, birth = found[1], found[2]
                continue
            parsed = cache.get(v, _MISSING) if cache is not None else _MISSING
            if parsed is _MISSING:
                try:
                    parsed = parse_value(spec, v)
                except ValueError as exc:
                    parsed = exc
                if cache is not None and len(cache) < _CACHE_LIMIT:
                    cache[v] = parsed
            if isinstance(parsed, ValueError):
                problems.append(RowProblem(number, spec.name, v, value_problem(spec, v, parsed)))
            else:
                values[spec.name] = parsed
        if self.consent_positions and (self.consent_ref is None or not cells[self.consent_ref]):
            for i, header in zip(self.consent_positions, self.consent_headers, strict=True):
                if cells[i]:
                    problems.append(
                        RowProblem(
                            number,
                            header,
                            None,
                            f"“{header}”涉及须经本人书面同意方可归集的信息（西安 第十四条；元宝山 第十二条），"
                            "本行的授权书编号为空",
                        )
                    )
        kind = self._kind(number, cells, values, problems)
        kind_problem = subject_kind_problem(self.item, kind, row=number, field="subject_kind") if kind else None
        if kind_problem is not None:
            # The item cannot hold this subject at all: its fields' verdicts would only add noise.
            problems.append(kind_problem)
            return None, problems
        if kind is not None:
            refused = {p.column for p in cell_problems}  # a refused cell is reported once, for its value
            for name in self.required[kind] - values.keys():
                position = self.position_of.get(name)
                if position is None or (not cells[position] and self.header_at[position] not in refused):
                    problems.append(RowProblem(number, name, None, missing_problem(self.spec_by_name[name])))
        decided_on = self._envelope_date(number, cells, values, "decided_on", problems, required=True)
        end_date = self._envelope_date(number, cells, values, "end_date", problems, required=False)
        tier = self._tier(number, cells, problems)
        if problems or kind is None:
            return None, problems
        role = self.role_of
        source_ref = values.get(role["source_ref"], "") if "source_ref" in role else self._cell(cells, "source_ref")
        name = values.get(role.get("subject_name", ""), "")
        uscc = values.get(role["uscc"]) if "uscc" in role else None
        if kind == "org" and not uscc:
            return None, [RowProblem(number, "uscc", None, "法人和非法人组织须提供统一社会信用代码")]
        if kind == "person" and not id_plain:
            return None, [RowProblem(number, "id_number", None, "自然人须提供身份证号码")]
        if not name:
            return None, [RowProblem(number, "subject_name", None, "缺少主体名称")]
        return (
            Candidate(
                number,
                kind,
                name,
                uscc if kind == "org" else None,
                id_plain if kind == "person" else None,
                birth if kind == "person" else None,
                source_ref,
                decided_on,
                end_date,
                tier,
                values,
            ),
            [],
        )

    def _cell(self, cells: list[str], role: str) -> str:
        i = self.envelope.get(role)
        return cells[i] if i is not None else ""

    def _kind(self, number: int, cells: list[str], values: dict[str, Any], problems: list[RowProblem]) -> str | None:
        raw = (
            values.get(self.role_of["subject_kind"])
            if "subject_kind" in self.role_of
            else self._cell(cells, "subject_kind")
        )
        if raw:
            kind = KIND_WORDS.get(str(raw))
            if kind is None:
                problems.append(
                    RowProblem(number, "subject_kind", raw, f"主体类别“{raw}”无效，可选：法人和非法人组织、自然人")
                )
            return kind
        if "uscc" in self.role_of and values.get(self.role_of["uscc"]):
            return "org"
        if "id_number" in self.role_of and values.get(self.role_of["id_number"]):
            return "person"
        problems.append(
            RowProblem(number, "subject_kind", None, "无法确定主体类别：统一社会信用代码和身份证号码都为空")
        )
        return None

    def _envelope_date(
        self,
        number: int,
        cells: list[str],
        values: dict[str, Any],
        role: str,
        problems: list[RowProblem],
        *,
        required: bool,
    ) -> dt.date | None:
        if role in self.role_of:
            text = values.get(self.role_of[role])
            return self._date(text) if text else None
        raw = self._cell(cells, role)
        if not raw:
            if required:
                problems.append(RowProblem(number, role, None, f"缺少{ROLES[role][1]}"))
            return None
        spec = _DATE_SPECS[role]
        try:
            return self._date(parse_value(spec, raw))
        except ValueError as exc:
            problems.append(RowProblem(number, role, raw, value_problem(spec, raw, exc)))
            return None

    def _tier(self, number: int, cells: list[str], problems: list[RowProblem]) -> str | None:
        raw = self._cell(cells, "tier")
        if not raw:
            return self.default_tier
        tier = TIER_WORDS.get(raw)
        if tier is None:
            problems.append(RowProblem(number, "tier", raw, f"失信等级“{raw}”无效，可选：轻微、一般、严重"))
        return tier
