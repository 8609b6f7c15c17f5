"""Properties of the identifier checks over any text a clerk or a file can type."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pubcredit.core.errors import ValidationFailed
from pubcredit.subjects.identifiers import (
    USCC_ALPHABET,
    normalise_code,
    require_id_number,
    require_uscc,
    validate_id_number,
    validate_uscc,
)
from pubcredit.subjects.tests.strategies import valid_id_numbers, valid_usccs

ON = date(2026, 12, 6)
MANY = settings(max_examples=150, deadline=None)
_ID_CHARS = "0123456789X"
# Text that looks like codes: ASCII and full-width letters and digits, blanks of every width.
_code_like = st.text(
    alphabet=st.sampled_from(
        [*USCC_ALPHABET, *"ioszvx", *"０１２３４５６７８９ＡＸｘ", " ", "\u3000", "\u00a0", "\u200b", "\ufeff", "-"]
    ),
    max_size=22,
)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@MANY
@given(st.text(max_size=40) | _code_like)
def test_any_text_gets_an_answer_and_never_an_exception(raw: str) -> None:
    for legacy in (False, True):
        result = validate_uscc(raw, legacy=legacy)
        assert result.valid == (result.reason is None)
        assert result.valid or result.reason
    person = validate_id_number(raw, on_date=ON)
    assert person.valid == (person.reason is None)
    for check in (lambda: require_uscc(raw), lambda: require_id_number(raw, on_date=ON)):
        try:
            check()
        except ValidationFailed as exc:
            assert exc.message


@MANY
@given(st.text(max_size=40) | _code_like)
def test_normalisation_is_idempotent(raw: str) -> None:
    once = normalise_code(raw)
    assert normalise_code(once) == once


@pytest.mark.parametrize("raw", ["ΐ", "ΰ", "ῒ", "ῗ", "ῧ", "9135ΐ", "ﬀ", "ℹ", "\u3000ａ\u3000"])
def test_normalisation_is_idempotent_where_upper_casing_decomposes(raw: str) -> None:
    once = normalise_code(raw)
    assert normalise_code(once) == once


@MANY
@given(st.text(max_size=40) | _code_like)
def test_a_value_accepted_is_accepted_again_after_normalising(raw: str) -> None:
    result = validate_uscc(raw)
    if result.valid:
        assert validate_uscc(result.value) == result
    person = validate_id_number(raw, on_date=ON)
    if person.valid:
        assert validate_id_number(person.value, on_date=ON) == person


@MANY
@given(valid_id_numbers(born=(date(1900, 1, 1), ON)), st.integers(min_value=0, max_value=17), st.data())
def test_any_single_character_change_of_an_id_number_is_refused(
    number: str, position: int, data: st.DataObject
) -> None:
    replacement = data.draw(st.sampled_from([c for c in _ID_CHARS if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    result = validate_id_number(changed, on_date=ON)
    assert not result.valid and result.reason
    assert changed not in result.reason and number not in result.reason


@MANY
@given(valid_usccs(), st.integers(min_value=0, max_value=16))
def test_any_adjacent_transposition_of_a_uscc_is_refused(code: str, position: int) -> None:
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not validate_uscc(swapped).valid


@MANY
@given(valid_id_numbers(born=(date(1900, 1, 1), ON)), st.integers(min_value=0, max_value=16))
def test_any_adjacent_transposition_of_an_id_number_is_refused(number: str, position: int) -> None:
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert not validate_id_number(swapped, on_date=ON).valid


@MANY
@given(valid_usccs(), st.sampled_from(["", " ", "\u3000", "\t", "\u00a0"]), st.booleans())
def test_full_width_lower_case_and_blanks_mean_the_same_uscc(code: str, blank: str, lower: bool) -> None:
    typed = blank + _full_width(code.lower() if lower else code) + blank
    result = validate_uscc(typed)
    assert result.valid and result.value == code


@MANY
@given(valid_id_numbers(born=(date(1900, 1, 1), ON)), st.sampled_from(["", " ", "\u3000", "\u00a0"]), st.booleans())
def test_full_width_and_lower_case_x_mean_the_same_id_number(number: str, blank: str, wide: bool) -> None:
    typed = blank + (_full_width(number) if wide else number).replace("X", "x").replace("Ｘ", "ｘ") + blank
    result = validate_id_number(typed, on_date=ON)
    assert result.valid and result.value == number


@MANY
@given(valid_usccs(), st.text(alphabet=st.sampled_from("IOSVZ"), min_size=1, max_size=1), st.integers(0, 17))
def test_letters_outside_the_alphabet_are_named_with_their_position(code: str, letter: str, position: int) -> None:
    changed = code[:position] + letter + code[position + 1 :]
    result = validate_uscc(changed)
    assert not result.valid and result.reason and f"第{position + 1}位字符“{letter}”" in result.reason


@pytest.mark.parametrize(
    "raw",
    ["٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣", "①②③④⑤⑥⑦⑧⑨①②③④⑤⑥⑦⑧", "1" * 10_000, "\x00" * 18, "ß" * 9, "ﬃ" * 6, "Ⅻ" * 9],
)
def test_lookalike_digits_and_expanding_letters_are_refused_cleanly(raw: str) -> None:
    assert not validate_uscc(raw).valid
    assert not validate_id_number(raw, on_date=ON).valid


def test_circled_digits_normalise_to_the_same_number() -> None:
    """NFKC turns ① into 1: a code typed with circled digits is the code, not an error."""
    number = "11010519491231002X"
    circled = "".join("①②③④⑤⑥⑦⑧⑨"[int(c) - 1] if c in "123456789" else c for c in number)
    assert validate_id_number(circled, on_date=ON).value == number
