"""Hypothesis strategies that build valid identifiers from the standards' own rules."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from pubcredit.subjects.identifiers import (
    PROVINCE_CODES,
    USCC_ALPHABET,
    id_number_check_character,
    uscc_check_character,
)

uscc_chars = st.sampled_from(USCC_ALPHABET)
digits = st.sampled_from("0123456789")


@st.composite
def valid_usccs(draw: st.DrawFn, *, digit_prefix: bool = False) -> str:
    head = st.tuples(digits, digits) if digit_prefix else st.tuples(uscc_chars, uscc_chars)
    first, second = draw(head)
    region = "".join(draw(st.lists(digits, min_size=6, max_size=6)))
    organisation = "".join(draw(st.lists(uscc_chars, min_size=9, max_size=9)))
    body = first + second + region + organisation
    return body + uscc_check_character(body)


@st.composite
def valid_id_numbers(draw: st.DrawFn, *, born: tuple[date, date] = (date(1900, 1, 1), date(2026, 11, 22))) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest_of_region = "".join(draw(st.lists(digits, min_size=4, max_size=4)))
    birth = draw(st.dates(min_value=born[0], max_value=born[1]))
    sequence = "".join(draw(st.lists(digits, min_size=3, max_size=3)))
    body = f"{province:02d}{rest_of_region}{birth:%Y%m%d}{sequence}"
    return body + id_number_check_character(body)
