"""Parsing the operator's calendar CSV."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.core.workdays.csvfile import CalendarFileError, parse_calendar_csv
from pubcredit.core.workdays.types import DayEntry


def test_a_file_with_bom_header_comments_and_notes() -> None:
    text = (
        "\ufeffdate,working_day,name,note\n"
        "# 国办发明电〔2026〕号 (example)\n"
        "2027-02-06,0,春节\n"
        "\n"
        "2027-01-31, 1 ,春节调休上班,周日上班\n"
    )
    assert parse_calendar_csv(text, 2027) == [
        DayEntry(date(2027, 1, 31), True, "春节调休上班", "周日上班"),
        DayEntry(date(2027, 2, 6), False, "春节"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-30,0,春节\n", "line 1: '2027-02-30' is not a date"),
        ("2027-02-06,0,春节\n2028-01-01,0,元旦\n", "line 2: 2028-01-01 is not in 2027"),
        ("2027-02-06,yes,春节\n", "line 1: working_day 'yes' must be 0"),
        ("2027-02-06,0,春节\n2027-02-06,1,春节\n", "line 2: 2027-02-06 is listed twice"),
        ("2027-02-06\n", "line 1: expected date,working_day,name"),
        ("date,working_day,name\n", "lists no day of 2027"),
    ],
)
def test_bad_lines_are_named(text: str, message: str) -> None:
    with pytest.raises(CalendarFileError) as caught:
        parse_calendar_csv(text, 2027)
    assert message in str(caught.value)


entries = st.dictionaries(
    st.integers(min_value=0, max_value=364).map(lambda n: date(2027, 1, 1) + timedelta(days=n)),
    st.tuples(st.booleans(), st.text(alphabet="春节国庆调休上班元旦", max_size=8)),
    min_size=1,
    max_size=30,
)


@given(entries)
def test_whatever_is_written_is_read_back(days: dict[date, tuple[bool, str]]) -> None:
    lines = ["date,working_day,name"] + [f"{d.isoformat()},{int(w)},{name}" for d, (w, name) in days.items()]
    parsed = parse_calendar_csv("\n".join(lines), 2027)
    assert parsed == [DayEntry(d, w, name) for d, (w, name) in sorted(days.items())]
