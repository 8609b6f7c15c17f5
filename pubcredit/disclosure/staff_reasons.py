"""Why a staff member looks at a subject's non-public information: the stated reason.

西安 第三十八条 and 元宝山 第二十七条 give staff set query permissions and procedures: an operator's
look at non-public or withheld records, and a bulk export of personal data, states a reason that
the query log keeps (`QueryLogEntry.purpose`). Public information needs none.

Pure: the kinds, their Chinese labels and the check of a stated reason. The length limits are
platform choices (a reason must say something; the log column holds 300 characters), not
numbers of a regulation.
"""

from __future__ import annotations

from dataclasses import dataclass

from pubcredit.core.errors import ValidationFailed

#: The reasons an operator picks from; "other" needs the free text to say what it is.
REASON_KINDS: dict[str, str] = {
    "objection": "异议核查",
    "repair": "信用修复",
    "complaint": "投诉处理",
    "supervision": "监督检查",
    "other": "其他",
}
REASON_MIN_LENGTH = 4  # platform choice: "核查" alone says nothing about the case
REASON_MAX_LENGTH = 200  # platform choice: fits the query log's purpose column with the label


@dataclass(frozen=True)
class StaffReason:
    kind: str
    text: str

    @property
    def label(self) -> str:
        return REASON_KINDS[self.kind]

    @property
    def purpose(self) -> str:
        """As written to the query log: `异议核查：核对处罚金额（异议 12 号）`."""
        return f"{self.label}：{self.text}"


def staff_reason_clean(kind: str | None, text: str | None, *, field: str = "reason") -> StaffReason:
    """A stated reason, or `ValidationFailed` naming the field and what is wrong."""
    kind = (kind or "").strip()
    if kind not in REASON_KINDS:
        choices = "、".join(f"{code}（{label}）" for code, label in REASON_KINDS.items())
        shown = f"“{kind[:20]}”" if kind else "为空"
        raise ValidationFailed(f"查询事由类别{shown}无效，可选：{choices}", field=f"{field}_kind")
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValidationFailed("查看非公开或未公开的信用记录须说明查询事由（西安 第三十八条）", field=field)
    if len(cleaned) < REASON_MIN_LENGTH:
        raise ValidationFailed(
            f"查询事由“{cleaned}”过短：至少 {REASON_MIN_LENGTH} 个字，写明所办事项（如异议编号、投诉来源）",
            field=field,
        )
    if len(cleaned) > REASON_MAX_LENGTH:
        raise ValidationFailed(f"查询事由长度 {len(cleaned)} 超过上限 {REASON_MAX_LENGTH} 个字", field=field)
    return StaffReason(kind=kind, text=cleaned)
