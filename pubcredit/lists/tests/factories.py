"""Test helpers for list entries: seeded list types by code and entries made through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pubcredit.accounts.models import User
from pubcredit.lists.models import ListEntry, ListType
from pubcredit.lists.services import list_entry_create
from pubcredit.records.models import Record
from pubcredit.subjects.models import Subject

REPAIR_NOTICE = "您可在纠正失信行为、履行相关义务后，通过平台申请信用修复。"


def list_type(code: str = "severe") -> ListType:
    """A seeded list type: `red`, `severe` (black) or `watch` (migration measures 0002)."""
    return ListType.objects.get(code=code)


def enter(
    clerk: User,
    subject: Subject,
    *,
    code: str = "severe",
    decided_on: dt.date | None = None,
    records: Sequence[Record] = (),
    decision_number: str | None = None,
) -> ListEntry:
    """`clerk`'s department enters `subject` on the seeded list `code` through the service."""
    day = decided_on or dt.date.today()
    return list_entry_create(
        actor=clerk,
        list_type=list_type(code),
        subject=subject,
        decision_number=decision_number or f"认定〔{day.year}〕{ListEntry.objects.count() + 1}号",
        reason="测试认定事由",
        decided_on=day,
        repair_notice=REPAIR_NOTICE if code != "red" else "",
        records=records,
    )
