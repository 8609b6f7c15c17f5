"""Field specifications of catalogue items and the parsing of values against them.

A catalogue item says which fields a record of that item carries (西安 第九条: 目录包括具体内容、
录入规则). The specs are stored as JSON on the item; this module is the one place that knows their
shape, so that the catalogue (when an item is published) and the records (when a value arrives)
agree on it. Everything here is pure: no database, no settings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from pubcredit.core.crypto import mask_id_number
from pubcredit.core.errors import ValidationFailed
from pubcredit.subjects.identifiers import validate_id_number, validate_uscc

FIELD_TYPES: dict[str, str] = {
    "string": "文本",
    "text": "长文本",
    "date": "日期",
    "decimal": "数值",
    "integer": "整数",
    "enum": "枚举",
    "uscc": "统一社会信用代码",
    "id_number": "身份证号码",
    "bool": "是/否",
}
SENSITIVITIES: dict[str, str] = {"none": "一般", "consent": "须本人书面同意"}
SUBJECT_KINDS: dict[str, str] = {"org": "法人和非法人组织", "person": "自然人"}
# What a field also means for the record as a whole, so that a file in the item's own layout
# (the 双公示 columns included) names the subject, the decision and its reference.
ROLES: dict[str, tuple[str, str]] = {
    "subject_name": ("string", "主体名称"),
    "subject_kind": ("enum", "主体类别"),
    "uscc": ("uscc", "统一社会信用代码"),
    "id_number": ("id_number", "身份证号码"),
    "source_ref": ("string", "来源文号"),
    "decided_on": ("date", "决定日期"),
    "end_date": ("date", "认定终止之日"),
}

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_SPEC_KEYS = {
    "name",
    "label",
    "type",
    "required",
    "required_for",
    "choices",
    "max_length",
    "aliases",
    "sensitivity",
    "role",
}
# What a spreadsheet runs as a formula; names, aliases and choices are written into template cells.
_FORMULA_START = ("=", "+", "-", "@")
_DEFAULT_MAX_LENGTH = {"string": 255, "text": 4000}
_TRUE = {"是", "true", "1", "y", "yes", "t"}
_FALSE = {"否", "false", "0", "n", "no", "f"}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a catalogue item, as validated from its JSON form."""

    name: str
    label: str
    type: str
    required: bool = False
    required_for: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    sensitivity: str = "none"
    role: str | None = None

    def is_required_for(self, subject_kind: str) -> bool:
        return self.required or subject_kind in self.required_for

    def headers(self) -> tuple[str, ...]:
        """Every header a provider's file may use for this field."""
        return (self.name, self.label, *self.aliases)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "label": self.label, "type": self.type, "required": self.required}
        if self.required_for:
            out["required_for"] = list(self.required_for)
        if self.choices:
            out["choices"] = list(self.choices)
        if self.max_length is not None:
            out["max_length"] = self.max_length
        out["aliases"] = list(self.aliases)
        out["sensitivity"] = self.sensitivity
        if self.role is not None:
            out["role"] = self.role
        return out


@dataclass(frozen=True)
class FieldProblem:
    """Why one value was refused; `field` is the spec's name."""

    field: str
    value: Any
    message: str


def _fail(message: str, field_name: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, field=field_name or "fields")


def _str_list(raw: Any, what: str, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise _fail(f"字段“{where}”的 {what} 必须是非空文本的列表，收到：{raw!r}")
    return tuple(x.strip() for x in raw)


def parse_field_spec(raw: Mapping[str, Any], position: int) -> FieldSpec:
    """Turn one JSON spec into a FieldSpec, refusing anything malformed with the field named."""
    if not isinstance(raw, Mapping):
        raise _fail(f"第 {position} 个字段定义必须是对象，收到：{raw!r}")
    name = raw.get("name")
    where = name if isinstance(name, str) and name else f"第 {position} 个字段"
    unknown = sorted(set(raw) - _SPEC_KEYS)
    if unknown:
        raise _fail(f"字段“{where}”含有未知的定义项：{'、'.join(unknown)}")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise _fail(f"字段名“{name}”无效：须以英文字母开头，只含英文字母、数字和下划线，最长 64 个字符")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _fail(f"字段“{name}”缺少中文名称（label）")
    ftype = raw.get("type")
    if not isinstance(ftype, str) or ftype not in FIELD_TYPES:
        raise _fail(f"字段“{name}”的类型“{ftype}”无效，可选：{'、'.join(FIELD_TYPES)}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise _fail(f"字段“{name}”的 required 必须是 true 或 false，收到：{required!r}")
    required_for = _str_list(raw.get("required_for"), "required_for", name)
    bad_kinds = [k for k in required_for if k not in SUBJECT_KINDS]
    if bad_kinds:
        raise _fail(f"字段“{name}”的 required_for 含有无效的主体类型：{'、'.join(bad_kinds)}（可选 org、person）")
    choices = _str_list(raw.get("choices"), "choices", name)
    if ftype == "enum" and not choices:
        raise _fail(f"枚举字段“{name}”必须列出可选值（choices）")
    if ftype != "enum" and choices:
        raise _fail(f"字段“{name}”不是枚举类型，不能设置可选值（choices）")
    if len(set(choices)) != len(choices):
        raise _fail(f"字段“{name}”的可选值有重复")
    max_length = raw.get("max_length")
    if max_length is not None:
        if ftype not in ("string", "text") or not isinstance(max_length, int) or isinstance(max_length, bool):
            raise _fail(f"字段“{name}”的 max_length 只适用于文本类型且必须是整数，收到：{max_length!r}")
        if max_length < 1:
            raise _fail(f"字段“{name}”的 max_length 必须大于 0，收到：{max_length}")
    elif ftype in _DEFAULT_MAX_LENGTH:
        max_length = _DEFAULT_MAX_LENGTH[ftype]
    aliases = _str_list(raw.get("aliases"), "aliases", name)
    for what, values in (("中文名称", (label.strip(),)), ("别名", aliases), ("可选值", choices)):
        for value in values:
            if value.startswith(_FORMULA_START):
                raise _fail(
                    f"字段“{name}”的{what}“{value}”以公式字符（= + - @）开头，"
                    "写入上传模板后会被表格软件当作公式，也无法与上传文件的表头对应，请修改"
                )
    sensitivity = raw.get("sensitivity", "none")
    if not isinstance(sensitivity, str) or sensitivity not in SENSITIVITIES:
        raise _fail(f"字段“{name}”的敏感级别“{sensitivity}”无效，可选：{'、'.join(SENSITIVITIES)}")
    role = raw.get("role")
    if role is not None:
        if not isinstance(role, str) or role not in ROLES:
            raise _fail(f"字段“{name}”的用途“{role}”无效，可选：{'、'.join(ROLES)}")
        if ROLES[role][0] != ftype:
            raise _fail(f"字段“{name}”用作{ROLES[role][1]}，类型须为 {ROLES[role][0]}，而不是 {ftype}")
    return FieldSpec(
        name=name,
        label=label.strip(),
        type=ftype,
        required=required,
        required_for=required_for,
        choices=choices,
        max_length=max_length,
        aliases=aliases,
        sensitivity=sensitivity,
        role=role,
    )


def parse_field_specs(raw: Any) -> list[FieldSpec]:
    """Validate a whole field list: each spec well formed, no name or header used twice."""
    if not isinstance(raw, list) or not raw:
        raise _fail("目录项必须至少定义一个字段（fields 为非空列表）")
    specs = [parse_field_spec(item, i) for i, item in enumerate(raw, start=1)]
    seen_names: set[str] = set()
    seen_headers: dict[str, str] = {}
    for spec in specs:
        if spec.name.upper() in seen_names:
            raise _fail(f"字段名“{spec.name}”重复")
        seen_names.add(spec.name.upper())
    for spec in specs:
        for header in spec.headers():
            key = header.upper()
            owner = seen_headers.get(key)
            if owner is not None and owner != spec.name:
                raise _fail(f"表头“{header}”同时属于字段“{owner}”和“{spec.name}”，无法区分")
            seen_headers[key] = spec.name
    roles: dict[str, str] = {}
    for spec in specs:
        if spec.role is not None:
            if spec.role in roles:
                raise _fail(f"字段“{roles[spec.role]}”和“{spec.name}”都用作{ROLES[spec.role][1]}，只能有一个")
            roles[spec.role] = spec.name
    return specs


def specs_from_json(raw: Sequence[Mapping[str, Any]]) -> list[FieldSpec]:
    """Specs of an item already stored (validated when published).

    Every page and answer that labels a record's values asks for them, many times a second, for
    a handful of catalogue versions; parsing costs far more than serialising the list, so parsed
    specs are kept per content (never per id: content is what they are parsed from).
    """
    return list(_specs_for_content(json.dumps(list(raw), ensure_ascii=False, sort_keys=True)))


@lru_cache(maxsize=1024)
def _specs_for_content(content: str) -> tuple[FieldSpec, ...]:
    return tuple(parse_field_specs(json.loads(content)))


# --- values -----------------------------------------------------------------------------------


def _parse_date(text: str) -> dt.date:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", cleaned)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if re.fullmatch(r"\d{8}", cleaned):
        return dt.date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", cleaned)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(text)


def parse_value(spec: FieldSpec, raw: Any) -> Any:
    """Return the stored JSON value for one field, or raise ValueError with a Chinese reason.

    Dates are stored as ISO strings, decimals as strings (exact), identifiers compacted;
    an ID number is checked and then stored masked only: the identity itself lives, encrypted,
    on the subject (core invariant: personal ID numbers encrypted at rest).
    """
    if isinstance(raw, str):
        raw = raw.strip()
    t = spec.type
    if t in ("string", "text"):
        if isinstance(raw, dt.date | Decimal | int | float) and not isinstance(raw, bool):
            raw = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
        if not isinstance(raw, str):
            raise ValueError("应为文本")
        if spec.max_length is not None and len(raw) > spec.max_length:
            raise ValueError(f"长度 {len(raw)} 超过上限 {spec.max_length} 个字符")
        return raw
    if t == "date":
        if isinstance(raw, dt.datetime):
            return raw.date().isoformat()
        if isinstance(raw, dt.date):
            return raw.isoformat()
        if not isinstance(raw, str):
            raise ValueError("应为日期（如 2024-05-01）")
        try:
            return _parse_date(raw).isoformat()
        except ValueError:
            raise ValueError("不是有效日期（应为 YYYY-MM-DD、YYYYMMDD 或 YYYY年M月D日）") from None
    if t == "decimal":
        if isinstance(raw, bool):
            raise ValueError("应为数值")
        try:
            value = Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            raise ValueError("不是有效数值") from None
        if not value.is_finite():
            raise ValueError("不是有效数值")
        return str(value)
    if t == "integer":
        if isinstance(raw, bool):
            raise ValueError("应为整数")
        if isinstance(raw, int):
            return raw
        try:
            return int(str(raw).replace(",", ""))
        except ValueError:
            raise ValueError("不是有效整数") from None
    if t == "enum":
        if raw not in spec.choices:
            raise ValueError(f"不在可选值之内（可选：{'、'.join(spec.choices)}）")
        return raw
    if t == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("应为“是”或“否”")
    if t == "uscc":
        checked = validate_uscc(raw) if isinstance(raw, str) else None
        if checked is None or not checked.valid:
            raise ValueError("不是有效的统一社会信用代码（18 位，含校验码，GB 32100）")
        return checked.value
    if t == "id_number":
        # Structure and check character only: whether the person may be a subject on the
        # decision date (age floor) is decided where the subject is registered.
        person = validate_id_number(raw, on_date=dt.date.max) if isinstance(raw, str) else None
        if person is None or not person.valid:
            raise ValueError("不是有效的身份证号码（18 位，含校验码，GB 11643）")
        return mask_id_number(person.value)
    raise ValueError(f"未知字段类型 {t}")


@dataclass
class ParsedData:
    """Values keyed by spec name, plus every problem found (all of them, not just the first)."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)


def _display(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def value_problem(spec: FieldSpec, raw: Any, exc: ValueError) -> str:
    """The sentence for a refused value; an ID number is never repeated back."""
    shown = "（已隐去）" if spec.type == "id_number" else f"“{_display(raw)}”"
    return f"字段“{spec.label}”（{spec.name}）的值{shown}{exc}"


def missing_problem(spec: FieldSpec) -> str:
    return f"缺少必填字段“{spec.label}”（{spec.name}）"


class FieldSet:
    """An item's specs compiled once, for checking many rows against them (bulk loads)."""

    def __init__(self, specs: Sequence[FieldSpec]) -> None:
        self.specs = tuple(specs)
        self._by_header: dict[str, FieldSpec] = {}
        for spec in self.specs:
            for header in spec.headers():
                self._by_header[header.upper()] = spec

    def spec_for(self, header: str) -> FieldSpec | None:
        return self._by_header.get(header.strip().upper())

    def parse(self, data: Mapping[str, Any], *, subject_kind: str) -> ParsedData:
        """Check one record's values; every problem is reported, not just the first.

        Keys may be the field name, its Chinese label or any alias; empty values count as absent.
        """
        out = ParsedData()
        given: set[str] = set()
        for key, raw in data.items():
            found = self.spec_for(str(key))
            if found is None:
                out.problems.append(FieldProblem(str(key), raw, f"字段“{key}”不属于本目录项"))
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            if found.name in given:
                out.problems.append(FieldProblem(found.name, raw, f"字段“{found.label}”（{found.name}）重复提供"))
                continue
            given.add(found.name)
            try:
                out.values[found.name] = parse_value(found, raw)
            except ValueError as exc:
                out.problems.append(FieldProblem(found.name, raw, value_problem(found, raw, exc)))
        for spec in self.specs:
            if spec.is_required_for(subject_kind) and spec.name not in given:
                out.problems.append(FieldProblem(spec.name, None, missing_problem(spec)))
        return out


def parse_data(specs: Sequence[FieldSpec], data: Mapping[str, Any], *, subject_kind: str) -> ParsedData:
    """Check one record's values against an item's specs (see `FieldSet.parse`)."""
    return FieldSet(specs).parse(data, subject_kind=subject_kind)
