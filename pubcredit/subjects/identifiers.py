"""Subject identifiers: 统一社会信用代码 (GB 32100-2015) and 身份证号码 (GB 11643-1999).

Every regulation names these two as the identifiers of subjects (西安 第八条, 南通 第八条,
大连 第九条). The USCC check is implemented here from the standard rather than taken from
python-stdnum, whose `cn.uscc` insists on digits in positions 1-2 and so refuses valid codes
such as the N-prefixed ones of village collective economic organisations.

Messages about ID numbers only ever show the masked number: a refused row is logged and shown to
clerks, and a full ID number must never end up there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from operator import mul

from pubcredit.core.crypto import mask_id_number
from pubcredit.core.errors import ValidationFailed

USCC_LENGTH = 18
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {char: index for index, char in enumerate(USCC_ALPHABET)}
# GB 32100-2015 §5: W_i = 3^(i-1) mod 31 for positions i = 1..17.
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

ID_NUMBER_LENGTH = 18
# GB 11643-1999 §8.2 (ISO 7064 MOD 11-2): W_i = 2^(18-i) mod 11 for i = 1..17.
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_NUMBER_CHECK = "10X98765432"
# Province-level codes of GB/T 2260 that may open an ID number.
PROVINCE_CODES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66), 71, 81, 82, 83, 91]
)


def normalise_code(raw: str) -> str:
    """Full-width characters to half-width, surrounding blanks removed, letters upper-cased.

    Codes are typed into spreadsheets with Chinese input methods, so full-width digits and
    letters are common and mean the same code.
    """
    # Upper-casing can leave a sequence NFKC composes again (Greek ΐ becomes Ϊ plus an accent),
    # so NFKC runs once more: a normalised value must normalise to itself.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).strip().upper()).strip()


@dataclass(frozen=True, slots=True)
class UsccResult:
    """The outcome of checking one USCC. `legacy` is True when a check failure was accepted."""

    value: str
    valid: bool
    reason: str | None = None
    legacy: bool = False


def uscc_check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §5): 31 - (sum mod 31), 31 maps to 0."""
    if len(first17) != len(USCC_WEIGHTS):
        raise ValueError(first17)
    total = sum(map(mul, map(_USCC_VALUES.__getitem__, first17), USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str, *, legacy: bool = False) -> UsccResult:
    """Check a USCC; with `legacy=True` a pre-2016 code whose only fault is its check character passes.

    Legacy codes exist because some registries issued codes before the check rule was enforced;
    the provider has to say so explicitly, and the subject is flagged so the code can be reviewed.
    """
    value = normalise_code(raw)
    if not value:
        return UsccResult(value, False, "统一社会信用代码不能为空")
    if len(value) != USCC_LENGTH:
        return UsccResult(value, False, f"统一社会信用代码“{value}”长度应为18位，实为{len(value)}位")
    for position, char in enumerate(value, start=1):
        if char not in _USCC_VALUES:
            return UsccResult(
                value,
                False,
                f"统一社会信用代码“{value}”第{position}位字符“{char}”不合法"
                "（只能使用数字和除I、O、S、V、Z以外的大写字母）",
            )
    region = value[2:8]
    if not region.isdigit():
        return UsccResult(value, False, f"统一社会信用代码“{value}”第3至8位行政区划代码“{region}”应为6位数字")
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        if legacy:
            return UsccResult(value, True, None, legacy=True)
        return UsccResult(value, False, f"统一社会信用代码“{value}”校验位错误，应为“{expected}”")
    return UsccResult(value, True)


def require_uscc(raw: str, *, legacy: bool = False, field_name: str = "uscc") -> UsccResult:
    result = validate_uscc(raw, legacy=legacy)
    if not result.valid:
        raise ValidationFailed(result.reason or "统一社会信用代码无效", field=field_name)
    return result


@dataclass(frozen=True, slots=True)
class IdNumberResult:
    """The outcome of checking one ID number; `value` and `birth_date` stay out of repr and logs."""

    value: str = field(repr=False)
    valid: bool
    masked: str
    reason: str | None = None
    birth_date: date | None = field(default=None, repr=False)


def id_number_check_character(first17: str) -> str:
    total = sum(int(char) * weight for char, weight in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return _ID_NUMBER_CHECK[total % 11]


def validate_id_number(raw: str, *, on_date: date) -> IdNumberResult:
    """Check an 18-digit ID number and read its birth date, which must not lie after `on_date`."""
    value = normalise_code(raw)
    masked = mask_id_number(value)
    if not value:
        return IdNumberResult(value, False, masked, "身份证号码不能为空")
    if len(value) != ID_NUMBER_LENGTH:
        return IdNumberResult(value, False, masked, f"身份证号码“{masked}”长度应为18位，实为{len(value)}位")
    for position, char in enumerate(value, start=1):
        if not ("0" <= char <= "9" or (position == ID_NUMBER_LENGTH and char == "X")):
            rule = "末位应为数字或X" if position == ID_NUMBER_LENGTH else "前17位应为数字"
            return IdNumberResult(value, False, masked, f"身份证号码“{masked}”第{position}位字符“{char}”不合法，{rule}")
    if int(value[:2]) not in PROVINCE_CODES:
        return IdNumberResult(
            value, False, masked, f"身份证号码“{masked}”前两位“{value[:2]}”不是有效的省级行政区划代码"
        )
    try:
        birth_date = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return IdNumberResult(value, False, masked, f"身份证号码“{masked}”中的出生日期无效")
    if birth_date > on_date:
        return IdNumberResult(
            value, False, masked, f"身份证号码“{masked}”中的出生日期晚于{on_date.isoformat()}，不可能有效"
        )
    if value[17] != id_number_check_character(value[:17]):
        return IdNumberResult(value, False, masked, f"身份证号码“{masked}”校验码错误")
    return IdNumberResult(value, True, masked, None, birth_date)


def require_id_number(raw: str, *, on_date: date, field_name: str = "id_number") -> IdNumberResult:
    result = validate_id_number(raw, on_date=on_date)
    if not result.valid:
        raise ValidationFailed(result.reason or "身份证号码无效", field=field_name)
    return result
