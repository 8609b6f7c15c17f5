"""Free text a person types into a form or an API body (reasons, notes, statements).

One rule for every service that takes such text: surrounding blanks are dropped, a required text
must say something, and no text is longer than the limit (the longest any page offers to write).
The refusal names the field and the reason in Chinese.
"""

from __future__ import annotations

from pubcredit.core.errors import ValidationFailed

#: Characters a reason, note or statement may hold.
MAX_TEXT = 2000


def clean_text(value: str | None, *, field: str, label: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationFailed(f"须填写{label}", field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(f"{label}长度 {len(cleaned)} 超过上限 {limit} 个字符", field=field)
    return cleaned
