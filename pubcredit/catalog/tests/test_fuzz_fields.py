"""Any JSON as a field spec, any value for a field: a spec or a Chinese refusal, never a crash."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.catalog.fields import (
    FIELD_TYPES,
    ROLES,
    SENSITIVITIES,
    FieldSet,
    FieldSpec,
    parse_field_spec,
    parse_field_specs,
    parse_value,
)
from pubcredit.core.errors import ValidationFailed

CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=120, deadline=None)
FORMULA_STARTS = ["=", "+", "-", "@", "\t=", " +", "\u3000-"]

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_keys = st.sampled_from(
    ["name", "label", "type", "required", "required_for", "choices", "max_length", "aliases", "sensitivity", "role"]
)
_plausible = st.fixed_dictionaries(
    {"name": st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True), "label": st.text(min_size=1, max_size=8)},
    optional={
        "type": st.sampled_from(list(FIELD_TYPES)) | _json,
        "required": st.booleans() | _json,
        "required_for": st.lists(st.sampled_from(["org", "person", "x"]), max_size=2) | _json,
        "choices": st.lists(st.text(min_size=1, max_size=6), max_size=3) | _json,
        "max_length": st.integers(min_value=-2, max_value=10) | _json,
        "aliases": st.lists(st.text(min_size=1, max_size=6), max_size=2) | _json,
        "sensitivity": st.sampled_from(list(SENSITIVITIES)) | _json,
        "role": st.sampled_from(list(ROLES)) | _json,
    },
)


def _spec_or_refusal(raw: Any) -> FieldSpec | None:
    try:
        return parse_field_spec(raw, 1)
    except ValidationFailed as exc:
        assert CJK.search(exc.message), exc.message
        return None


@FUZZ
@given(_json | st.dictionaries(_keys, _json, max_size=6) | _plausible)
def test_any_json_is_a_spec_or_a_chinese_refusal(raw: Any) -> None:
    spec = _spec_or_refusal(raw)
    if spec is not None:
        assert spec.type in FIELD_TYPES and spec.label == spec.label.strip()


@FUZZ
@given(st.lists(_plausible, max_size=4) | _json)
def test_any_field_list_is_specs_or_a_chinese_refusal(raw: Any) -> None:
    try:
        specs = parse_field_specs(raw)
    except ValidationFailed as exc:
        assert CJK.search(exc.message)
    else:
        assert len({s.name.upper() for s in specs}) == len(specs)


@pytest.mark.parametrize("key", ["type", "sensitivity", "role"])
@pytest.mark.parametrize("value", [[], {}, ["string"], {"a": 1}])
def test_a_list_or_table_where_a_name_belongs_is_refused(key: str, value: Any) -> None:
    raw = {"name": "x", "label": "名称", "type": "string", key: value}
    with pytest.raises(ValidationFailed, match="字段“x”的"):
        parse_field_spec(raw, 1)


@FUZZ
@given(st.sampled_from(FORMULA_STARTS), st.text(max_size=8), st.sampled_from(["label", "choices", "aliases"]))
def test_labels_aliases_and_choices_that_a_spreadsheet_would_run_are_refused(start: str, rest: str, key: str) -> None:
    """The upload template writes them into cells, and a file could never match them back."""
    value = start + "X" + rest
    raw: dict[str, Any] = {"name": "x", "label": "名称", "type": "enum", "choices": ["甲"]}
    raw[key] = value if key == "label" else [value]
    with pytest.raises(ValidationFailed, match="公式"):
        parse_field_spec(raw, 1)


def test_ordinary_labels_with_signs_inside_are_kept() -> None:
    spec = parse_field_spec({"name": "x", "label": "罚款金额（+/-）", "type": "enum", "choices": ["A-1", "是"]}, 1)
    assert spec.label == "罚款金额（+/-）" and spec.choices == ("A-1", "是")


_raw_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.dates(),
    st.datetimes(),
    st.text(max_size=30),
    st.sampled_from(["1e999999999", "-0", "١٢٣", "２０２４-０１-０１", "2024年13月1日", "9" * 5000, "NaN", "sNaN"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@FUZZ
@given(st.sampled_from(list(FIELD_TYPES)), _raw_values)
def test_any_value_is_stored_or_refused_with_a_chinese_reason(ftype: str, raw: Any) -> None:
    spec = FieldSpec(name="x", label="名称", type=ftype, choices=("甲", "乙") if ftype == "enum" else (), max_length=20)
    try:
        value = parse_value(spec, raw)
    except ValueError as exc:
        assert CJK.search(str(exc)), exc
        return
    if ftype == "date":
        dt.date.fromisoformat(value)
    elif ftype == "decimal":
        assert Decimal(value).is_finite()
    elif ftype == "integer":
        assert isinstance(value, int)
    elif ftype == "bool":
        assert isinstance(value, bool)


@FUZZ
@given(st.dictionaries(st.text(max_size=6) | st.sampled_from(["x", "名称", "X"]), _raw_values, max_size=4))
def test_any_record_data_gets_values_and_problems_never_an_exception(data: dict[str, Any]) -> None:
    fields = FieldSet([FieldSpec(name="x", label="名称", type="decimal", required=True)])
    parsed = fields.parse(data, subject_kind="org")
    assert set(parsed.values) <= {"x"}
    assert all(CJK.search(p.message) for p in parsed.problems)
