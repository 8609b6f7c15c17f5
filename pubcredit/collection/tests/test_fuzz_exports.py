"""What the platform writes as a spreadsheet (the upload templates) never holds a live formula.

`build_template` is the one XLSX the platform writes (the demo's sample CSVs are inputs made to be
refused). openpyxl stores any text starting with `=` as a formula, so a cell is safe only if its
text went through `escape_for_spreadsheet` or cannot start with a formula character.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pubcredit.catalog.fields import FIELD_TYPES, FieldSet, specs_from_json
from pubcredit.catalog.seeding import load_seed_items
from pubcredit.collection.parsers import escape_for_spreadsheet, looks_like_formula, map_headers, read_xlsx
from pubcredit.collection.templates_xlsx import build_template

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STARTS = ("=", "+", "-", "@", "\t", "\r")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), st.sampled_from(["", *STARTS]))
def test_escaping_makes_every_formula_start_inert_and_leaves_the_rest(text: str, start: str) -> None:
    value = start + text
    escaped = escape_for_spreadsheet(value)
    if value.startswith(STARTS):
        assert escaped == "'" + value
    else:
        assert escaped == value
    assert not escaped.startswith(STARTS) and not looks_like_formula(escaped)


def _cells(data: bytes) -> list[tuple[str, str, Any]]:
    workbook = load_workbook(io.BytesIO(data))
    return [
        (sheet.title, cell.coordinate, cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_no_live_formula(data: bytes) -> None:
    for sheet, where, cell in _cells(data):
        assert cell.data_type != "f", (sheet, where, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(STARTS), (sheet, where, cell.value)


# Field texts the catalogue accepts: anything not blank and not starting with a formula character.
_text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=10).filter(
    lambda t: t.strip() and not t.strip().startswith(("=", "+", "-", "@"))
)


@st.composite
def _fields(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=4))
    labels = draw(st.lists(_text, min_size=count, max_size=count, unique_by=lambda t: t.strip().upper()))
    out = []
    for i, label in enumerate(labels):
        ftype = draw(st.sampled_from(list(FIELD_TYPES)))
        spec: dict[str, Any] = {"name": f"F{i}", "label": label, "type": ftype, "required": draw(st.booleans())}
        if ftype == "enum":
            spec["choices"] = draw(st.lists(_text, min_size=1, max_size=3, unique_by=str.strip))
        spec["sensitivity"] = draw(st.sampled_from(["none", "none", "consent"]))
        out.append(spec)
    specs_from_json(out)  # the catalogue would accept it
    return out


@FUZZ
@given(_fields(), _text)
def test_templates_of_any_accepted_item_hold_no_formula(fields: list[dict[str, Any]], name: str) -> None:
    assert_no_live_formula(build_template(fields, name))


@FUZZ
@given(_fields())
def test_a_template_reads_back_with_every_column_mapped(fields: list[dict[str, Any]]) -> None:
    data = build_template(fields, "目录项")
    table = read_xlsx(io.BytesIO(data))
    mapped = map_headers(table.headers, FieldSet(specs_from_json(fields)))
    assert [p for p in mapped.problems if p.kind != "missing_required"] == []
    # Headers are read in NFKC, so a column's name may differ from the label; its field may not.
    assert sorted(spec.name for spec in mapped.columns.values()) == sorted(f["name"] for f in fields)


@pytest.mark.parametrize("code", [item["code"] for item in load_seed_items()])
def test_every_seeded_template_holds_no_formula(code: str) -> None:
    item = next(i for i in load_seed_items() if i["code"] == code)
    assert_no_live_formula(build_template(item["fields"], item["name"]))


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","点击")', "@SUM(1)"])
def test_an_item_name_starting_with_a_formula_character_is_escaped(name: str) -> None:
    fields = [{"name": "F0", "label": "名称", "type": "string"}]
    assert_no_live_formula(build_template(fields, name))
