"""The search form's guard against resident ID numbers, and its length hint."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from pubcredit.portal.forms import ID_NUMBER_REFUSAL, SearchForm, looks_like_id_number

DIGITS = "0123456789"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _with_ric_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def _with_uscc_check(body: str) -> str:
    return body + uscc.calc_check_digit(body + "0")


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.text(DIGITS, min_size=6, max_size=6))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
    sequence = draw(st.text(DIGITS, min_size=3, max_size=3))
    return _with_ric_check(f"{region}{born:%Y%m%d}{sequence}")


@st.composite
def usccs(draw: st.DrawFn, *, alphabet: str = USCC_ALPHABET) -> str:
    head = draw(st.text(DIGITS, min_size=8, max_size=8))
    organisation = draw(st.text(alphabet, min_size=9, max_size=9))
    return _with_uscc_check(head + organisation)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@given(id_numbers())
def test_an_id_number_is_refused_even_when_it_is_also_a_valid_uscc(number: str) -> None:
    assert ric.calc_check_digit(number) == number[-1]
    assert looks_like_id_number(number)
    assert looks_like_id_number(number.lower())
    assert looks_like_id_number(f"  {number} ")


@given(id_numbers(), st.text("华为科技有限公司 ", max_size=6), st.text("华为科技有限公司 ", max_size=6))
def test_an_id_number_inside_other_text_is_refused(number: str, before: str, after: str) -> None:
    assert looks_like_id_number(before + number + after)


@given(id_numbers())
def test_full_width_digits_do_not_slip_past(number: str) -> None:
    assert looks_like_id_number(_fullwidth(number))


@given(usccs())
def test_a_valid_uscc_is_searchable_unless_it_has_the_shape_of_an_id_number(code: str) -> None:
    assert uscc.is_valid(code)
    shaped_like_id = code.isdigit() and looks_like_id_number(code)
    assert looks_like_id_number(code) == shaped_like_id


@given(usccs(alphabet=DIGITS))
def test_an_all_digit_uscc_without_a_plausible_birth_date_is_searchable(code: str) -> None:
    year, month = int(code[6:10]), int(code[10:12])
    assume(not 1900 <= year <= 2099 or not 1 <= month <= 12)
    assert not looks_like_id_number(code)


def test_a_known_all_digit_uscc_is_searchable() -> None:
    code = "911100001000012362"  # 18 digits, the same shape as an ID number
    assert uscc.is_valid(code)
    assert not looks_like_id_number(code)


def test_seventeen_digits_and_x_with_a_bad_check_are_still_refused() -> None:
    # A mistyped ID number is still personal data and must stay out of URLs.
    assert looks_like_id_number("11010119900307123X")
    assert looks_like_id_number("110101199003071234")


def test_shorter_digit_runs_are_not_id_numbers() -> None:
    assert not looks_like_id_number("1101011990030712")
    assert not looks_like_id_number("华为")


def test_the_form_refuses_an_id_number_with_the_chinese_reason() -> None:
    form = SearchForm({"q": "110101199003077777"})
    assert not form.is_valid()
    assert form.refused_id_number
    assert form.errors["q"] == [ID_NUMBER_REFUSAL]
    assert "110101199003077777" not in ID_NUMBER_REFUSAL


def test_an_over_long_query_with_an_id_number_is_still_refused_as_one() -> None:
    form = SearchForm({"q": "公司" * 60 + "110101199003077777"})
    assert not form.is_valid()
    assert form.refused_id_number


def test_a_one_character_query_gets_a_hint_naming_it() -> None:
    form = SearchForm({"q": " 华 "})
    assert not form.is_valid()
    assert not form.refused_id_number
    (message,) = form.errors["q"]
    assert "“华”" in message
    assert "至少输入 2 个字符" in message


def test_two_characters_and_the_empty_query_are_accepted() -> None:
    form = SearchForm({"q": "华为"})
    assert form.is_valid()
    assert form.cleaned_data["q"] == "华为"
    empty = SearchForm({"q": "  "})
    assert empty.is_valid()
    assert empty.cleaned_data["q"] == ""
