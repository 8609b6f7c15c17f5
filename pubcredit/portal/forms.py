"""The public search form.

Personal identifiers must never travel in URLs or land in logs, and the public search is a GET
form, so a query that looks like a resident ID number is refused before anything is searched.
`static/js/pubcredit.js` applies the same test in the browser so that, with JavaScript on, the
number never leaves the page; this form is the guard for everyone else.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100

# GB 11643: 17 digits and a check character (digit or X). Matched anywhere in the query.
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]")
_ID_BIRTH_YEARS = range(1900, 2100)

ID_NUMBER_REFUSAL = (
    "查询词看起来是18位身份证号码，已拒绝查询：为保护个人信息，本平台不接受按身份证号码查询，"
    "也不会在网址中传递身份证号码。请改用组织的统一社会信用代码或名称关键字。"
)


def _has_resident_id_shape(code: str) -> bool:
    """True when an 18-character code passes the GB 11643 check and carries a plausible birth date.

    The place-of-birth table is left out on purpose: the browser applies the same test and has
    no such table, and both sides must agree on which codes are refused.
    """
    if not re.fullmatch(r"[0-9]{17}[0-9X]", code) or ric.calc_check_digit(code) != code[-1]:
        return False
    year, month, day = int(code[6:10]), int(code[10:12]), int(code[12:14])
    if year not in _ID_BIRTH_YEARS:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def looks_like_id_number(query: str) -> bool:
    """Whether the query must be refused because it may hold a resident ID number.

    Older organisations have all-digit unified social credit codes with the same shape as an ID
    number, so a whole query that is a valid USCC and not also a plausible ID number is let
    through; everything else with 17 digits and a check character anywhere in it is refused.
    Full-width digits are folded first (NFKC) so that they cannot slip past.
    """
    folded = unicodedata.normalize("NFKC", query).strip().upper()
    match = _ID_NUMBER.search(folded)
    if match is None:
        return False
    whole_code = match.group(0) == folded
    return not (whole_code and uscc.is_valid(folded) and not _has_resident_id_shape(folded))


def refuse_id_number(query: str) -> None:
    """Field validator: it runs alongside the length check, so an over-long query is refused too."""
    if looks_like_id_number(query):
        raise ValidationError(ID_NUMBER_REFUSAL, code="id_number")


class SearchForm(forms.Form):
    q = forms.CharField(
        label="统一社会信用代码或名称关键字",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        validators=[refuse_id_number],
    )

    def clean_q(self) -> str:
        query: str = self.cleaned_data["q"]
        if query and len(query) < MIN_QUERY_LENGTH:
            raise ValidationError(
                f"查询词“{query}”太短：请至少输入 {MIN_QUERY_LENGTH} 个字符，"
                "例如完整的统一社会信用代码或组织名称中的两个字。",
                code="too_short",
            )
        return query

    @property
    def refused_id_number(self) -> bool:
        return self.is_bound and self.has_error("q", code="id_number")
