"""Free text from forms and API bodies: trimmed, required when asked, never beyond the limit."""

from __future__ import annotations

import pytest

from pubcredit.core.errors import ValidationFailed
from pubcredit.core.text_input import MAX_TEXT, clean_text


def test_blanks_are_trimmed_and_an_optional_text_may_be_empty() -> None:
    assert clean_text("  说明  ", field="note", label="说明") == "说明"
    assert clean_text(None, field="note", label="说明", required=False) == ""


def test_a_required_text_must_say_something() -> None:
    with pytest.raises(ValidationFailed, match="须填写移出说明") as refused:
        clean_text(" \n ", field="note", label="移出说明")
    assert refused.value.field == "note"


def test_the_limit_is_inclusive_and_named() -> None:
    assert len(clean_text("字" * MAX_TEXT, field="reason", label="理由")) == MAX_TEXT
    with pytest.raises(ValidationFailed, match=f"理由长度 {MAX_TEXT + 1} 超过上限 {MAX_TEXT} 个字符"):
        clean_text("字" * (MAX_TEXT + 1), field="reason", label="理由")
