import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.catalog.fields import parse_data, parse_field_specs, parse_value
from pubcredit.catalog.models import CatalogItem
from pubcredit.core.errors import ValidationFailed

SPECS = parse_field_specs(
    [
        {
            "name": "WSH",
            "label": "决定书文号",
            "type": "string",
            "required": True,
            "max_length": 10,
            "aliases": ["CF_WSH"],
        },
        {"name": "JE", "label": "金额", "type": "decimal"},
        {"name": "RQ", "label": "决定日期", "type": "date"},
        {"name": "LB", "label": "类别", "type": "enum", "choices": ["甲", "乙"]},
        {"name": "SHXYM", "label": "统一社会信用代码", "type": "uscc", "required_for": ["org"]},
        {"name": "SFZ", "label": "身份证号码", "type": "id_number", "required_for": ["person"]},
        {"name": "YX", "label": "是否有效", "type": "bool"},
        {"name": "RS", "label": "人数", "type": "integer"},
    ]
)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ([], "至少定义一个字段"),
        ([{"name": "1a", "label": "x", "type": "string"}], "字段名“1a”无效"),
        ([{"name": "a", "type": "string"}], "缺少中文名称"),
        ([{"name": "a", "label": "甲", "type": "money"}], "类型“money”无效"),
        ([{"name": "a", "label": "甲", "type": "enum"}], "必须列出可选值"),
        ([{"name": "a", "label": "甲", "type": "string", "choices": ["x"]}], "不能设置可选值"),
        ([{"name": "a", "label": "甲", "type": "date", "max_length": 3}], "max_length"),
        ([{"name": "a", "label": "甲", "type": "string", "colour": "red"}], "未知的定义项：colour"),
        ([{"name": "a", "label": "甲", "type": "string", "sensitivity": "secret"}], "敏感级别“secret”无效"),
        ([{"name": "a", "label": "甲", "type": "string", "required_for": ["company"]}], "无效的主体类型：company"),
        (
            [{"name": "a", "label": "甲", "type": "string"}, {"name": "A", "label": "乙", "type": "string"}],
            "字段名“A”重复",
        ),
        (
            [{"name": "a", "label": "甲", "type": "string"}, {"name": "b", "label": "甲", "type": "string"}],
            "表头“甲”同时属于字段“a”和“b”",
        ),
    ],
)
def test_malformed_specs_are_refused_with_the_reason(raw, problem):
    with pytest.raises(ValidationFailed) as exc:
        parse_field_specs(raw)
    assert problem in exc.value.message


def test_values_are_normalised():
    assert parse_value(SPECS[2], "2024年5月1日") == "2024-05-01"
    assert parse_value(SPECS[2], "20240501") == "2024-05-01"
    assert parse_value(SPECS[2], dt.date(2024, 5, 1)) == "2024-05-01"
    assert parse_value(SPECS[1], "1,234.50") == "1234.50"
    assert parse_value(SPECS[6], "是") is True
    assert parse_value(SPECS[7], "12") == 12
    assert parse_value(SPECS[4], "91110000600037341L") == "91110000600037341L"


def test_id_numbers_are_kept_masked_only():
    assert parse_value(SPECS[5], "11010519491231002X") == "110105********002X"


def test_every_problem_is_reported_with_field_and_reason():
    parsed = parse_data(
        SPECS,
        {
            "决定书文号": "X" * 11,
            "JE": "abc",
            "RQ": "2024-13-01",
            "LB": "丙",
            "SFZ": "110105194912310021",
            "颜色": "红",
        },
        subject_kind="person",
    )
    by_field = {p.field: p.message for p in parsed.problems}
    assert "超过上限 10" in by_field["WSH"]
    assert "“abc”不是有效数值" in by_field["JE"]
    assert "不是有效日期" in by_field["RQ"]
    assert "不在可选值之内" in by_field["LB"]
    assert "身份证号码" in by_field["SFZ"] and "110105194912310021" not in by_field["SFZ"]
    assert "字段“颜色”不属于本目录项" in by_field["颜色"]


def test_required_depends_on_subject_kind():
    org = parse_data(SPECS, {"WSH": "A1"}, subject_kind="org")
    person = parse_data(SPECS, {"WSH": "A1"}, subject_kind="person")
    assert [p.field for p in org.problems] == ["SHXYM"]
    assert [p.field for p in person.problems] == ["SFZ"]


def test_aliases_and_labels_are_accepted_as_keys():
    parsed = parse_data(SPECS, {"cf_wsh": "A1", "统一社会信用代码": "91110000600037341L"}, subject_kind="org")
    assert parsed.problems == []
    assert parsed.values == {"WSH": "A1", "SHXYM": "91110000600037341L"}


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_round_trip_in_every_accepted_form(day):
    forms = (day.isoformat(), day.strftime("%Y%m%d"), f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y/%m/%d"))
    for text in forms:
        assert parse_value(SPECS[2], text) == day.isoformat()


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9))
def test_decimals_are_exact(value):
    assert Decimal(parse_value(SPECS[1], str(value))) == value


@given(st.text(max_size=30))
def test_parse_value_never_raises_anything_but_value_error(text):
    for spec in SPECS:
        with contextlib.suppress(ValueError):
            parse_value(spec, text)


def test_an_item_reparses_its_specs_when_its_fields_are_replaced():
    """`CatalogItem.field_specs` keeps the parsed specs per `fields` value the instance holds."""
    first = [{"name": "A", "label": "甲", "type": "text"}]
    item = CatalogItem(code="T", version=1, fields=first)
    assert [spec.label for spec in item.field_specs()] == ["甲"]
    assert item.field_specs() == item.field_specs()
    item.fields = [{"name": "A", "label": "乙", "type": "text"}]
    assert [spec.label for spec in item.field_specs()] == ["乙"]
