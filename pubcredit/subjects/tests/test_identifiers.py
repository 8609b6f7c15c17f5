from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from pubcredit.core.errors import ValidationFailed
from pubcredit.subjects.identifiers import (
    USCC_ALPHABET,
    id_number_check_character,
    require_id_number,
    require_uscc,
    uscc_check_character,
    validate_id_number,
    validate_uscc,
)
from pubcredit.subjects.tests.strategies import valid_id_numbers, valid_usccs

TODAY = date(2026, 11, 22)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# --- USCC (GB 32100-2015) -------------------------------------------------------------------


def test_weights_follow_the_standard() -> None:
    # W_i = 3^(i-1) mod 31, as printed in GB 32100-2015 table 3.
    from pubcredit.subjects.identifiers import USCC_WEIGHTS

    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # a company registered in Beijing (market regulation, 9 1)
        "12610000MB12345672",  # a public institution (机构编制 1 2), check character 2
        "51610000MJ1234567F",  # a social organisation (民政 5 1), check character F
        "Y1610103MA00000011",  # another registry (Y), check character 1
        "93610102MA6W3B4C5M",  # a farmers' cooperative (9 3)
    ],
)
def test_real_format_codes_are_accepted(code: str) -> None:
    result = validate_uscc(code)
    assert result.valid, result.reason
    assert result.value == code
    assert not result.legacy


def test_check_character_value_31_maps_to_zero() -> None:
    # Find a body whose weighted sum is 0 mod 31: 31 - 0 = 31 must become "0", not overflow.
    body = "0" * 17
    assert uscc_check_character(body) == "0"
    assert validate_uscc(body + "0").valid


def test_village_collective_codes_with_letter_prefix_are_accepted_where_stdnum_refuses() -> None:
    # 农业农村 registry (N) and 村级集体经济组织 (2): both positions are letters or digits per GB 32100.
    for body in ("N2610116MA6U00011", "N1610103MA6TG1230", "N3610125MA6W00099"):
        code = body + uscc_check_character(body)
        assert validate_uscc(code).valid
        assert not uscc.is_valid(code)


@given(valid_usccs(digit_prefix=True))
def test_agrees_with_stdnum_where_stdnum_applies(code: str) -> None:
    assert validate_uscc(code).valid
    assert uscc.is_valid(code)
    assert uscc.calc_check_digit(code[:17]) == code[17]


@given(valid_usccs())
def test_every_generated_code_is_valid_and_check_matches_stdnum_arithmetic(code: str) -> None:
    assert validate_uscc(code).valid
    assert uscc.calc_check_digit(code[:17]) == code[17]


@given(valid_usccs(), st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_is_detected(code: str, position: int, replacement: str) -> None:
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1 :]
    if position in range(2, 8) and not replacement.isdigit():
        assert "行政区划代码" in (validate_uscc(changed).reason or "")
    else:
        assert not validate_uscc(changed).valid


@given(valid_usccs())
def test_full_width_lower_case_and_blanks_are_normalised(code: str) -> None:
    result = validate_uscc("  " + _fullwidth(code.lower()) + "\u3000")
    assert result.valid
    assert result.value == code


def test_wrong_check_character_names_the_value_and_the_expected_character() -> None:
    result = validate_uscc("91610000X12345678A")
    assert not result.valid
    assert result.reason == "统一社会信用代码“91610000X12345678A”校验位错误，应为“L”"


def test_wrong_length_is_its_own_reason() -> None:
    result = validate_uscc("9161000012345")
    assert result.reason == "统一社会信用代码“9161000012345”长度应为18位，实为13位"


@pytest.mark.parametrize(("char", "position"), [("I", 9), ("O", 10), ("S", 1), ("V", 18), ("Z", 12), ("-", 5)])
def test_illegal_character_is_named_with_its_position(char: str, position: int) -> None:
    code = list("91110000600037341L")
    code[position - 1] = char
    result = validate_uscc("".join(code))
    assert not result.valid
    assert f"第{position}位字符“{char}”不合法" in (result.reason or "")


def test_region_code_must_be_six_digits() -> None:
    code = "9161A000600037341" + uscc_check_character("9161A000600037341")
    result = validate_uscc(code)
    assert result.reason == f"统一社会信用代码“{code}”第3至8位行政区划代码“61A000”应为6位数字"


def test_empty_code() -> None:
    assert validate_uscc("  ").reason == "统一社会信用代码不能为空"


def test_legacy_code_is_accepted_and_flagged_only_when_marked() -> None:
    assert not validate_uscc("91610000X12345678A").valid
    legacy = validate_uscc("91610000X12345678A", legacy=True)
    assert legacy.valid
    assert legacy.legacy
    # A correct code marked legacy is simply valid, not flagged.
    assert not validate_uscc("91110000600037341L", legacy=True).legacy
    # Legacy only forgives the check character.
    assert not validate_uscc("91610000X1234567", legacy=True).valid


def test_require_uscc_raises_with_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        require_uscc("91610000X12345678A", field_name="uscc")
    assert caught.value.field == "uscc"
    assert "应为“L”" in caught.value.message


# --- ID number (GB 11643-1999) --------------------------------------------------------------


def test_standard_example_with_x_check() -> None:
    # GB 11643-1999 appendix example.
    result = validate_id_number("11010519491231002x", on_date=TODAY)
    assert result.valid
    assert result.value == "11010519491231002X"
    assert result.birth_date == date(1949, 12, 31)
    assert result.masked == "110105********002X"


@given(valid_id_numbers())
def test_generated_numbers_are_valid_and_check_agrees_with_stdnum(number: str) -> None:
    result = validate_id_number(number, on_date=TODAY)
    assert result.valid, result.reason
    assert result.birth_date is not None
    assert result.birth_date.strftime("%Y%m%d") == number[6:14]
    assert ric.calc_check_digit(number[:17] + "0") == number[17]


@given(valid_id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_errors_never_echo_the_full_number_or_birth_date(number: str, position: int, replacement: str) -> None:
    changed = number[:position] + replacement + number[position + 1 :]
    result = validate_id_number(changed, on_date=TODAY)
    if result.valid:
        return
    reason = result.reason or ""
    assert changed not in reason
    assert changed[6:14] not in reason
    assert result.masked in reason
    assert changed not in repr(result)


@given(valid_id_numbers())
def test_single_digit_change_in_the_sequence_is_detected(number: str) -> None:
    changed = number[:15] + str((int(number[15]) + 1) % 10) + number[16:]
    result = validate_id_number(changed, on_date=TODAY)
    assert not result.valid
    assert result.reason == f"身份证号码“{result.masked}”校验码错误"


def _with_check(body: str) -> str:
    return body + id_number_check_character(body)


def test_length_reason_uses_the_masked_value() -> None:
    result = validate_id_number("61010319900101123", on_date=TODAY)
    assert result.reason == "身份证号码“610103*******1123”长度应为18位，实为17位"


def test_letter_inside_is_refused_with_position() -> None:
    result = validate_id_number("6101031990010X1234", on_date=TODAY)
    assert result.reason == "身份证号码“610103********1234”第14位字符“X”不合法，前17位应为数字"


def test_unknown_province_is_refused() -> None:
    number = _with_check("99010319900101123")
    result = validate_id_number(number, on_date=TODAY)
    assert result.reason == f"身份证号码“{result.masked}”前两位“99”不是有效的省级行政区划代码"


@pytest.mark.parametrize("birth", ["19900230", "19901301", "20230229"])
def test_impossible_birth_dates_are_refused(birth: str) -> None:
    number = _with_check(f"610103{birth}123")
    result = validate_id_number(number, on_date=TODAY)
    assert result.reason == f"身份证号码“{result.masked}”中的出生日期无效"


def test_birth_date_after_the_decision_date_is_refused_and_on_it_accepted() -> None:
    number = _with_check("61010320261122123")
    assert validate_id_number(number, on_date=date(2026, 11, 22)).valid
    refused = validate_id_number(number, on_date=date(2026, 11, 21))
    assert refused.reason == f"身份证号码“{refused.masked}”中的出生日期晚于2026-11-21，不可能有效"


def test_leap_day_birth_is_valid() -> None:
    number = _with_check("61010320000229123")
    assert validate_id_number(number, on_date=TODAY).birth_date == date(2000, 2, 29)


def test_full_width_input_is_normalised() -> None:
    number = _with_check("61010319900101123")
    assert validate_id_number(_fullwidth(number), on_date=TODAY).value == number


def test_require_id_number_raises_with_masked_message() -> None:
    with pytest.raises(ValidationFailed) as caught:
        require_id_number("610103199001011230", on_date=TODAY)
    assert caught.value.field == "id_number"
    assert "610103199001011230" not in caught.value.message
