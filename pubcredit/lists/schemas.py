"""Shapes of the lists API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class EntryIn(Schema):
    list_type: str = Field(max_length=40, description="名单类型编码，如 severe、red、watch")
    subject: str = Field(max_length=18, description="主体的统一社会信用代码或身份证号码")
    decision_number: str = Field(max_length=200)
    reason: str = Field(max_length=2000)
    decided_on: dt.date
    starts_on: dt.date | None = None
    repair_notice: str = Field(default="", max_length=2000)
    records: list[int] = Field(default_factory=list, max_length=50)


class ExitIn(Schema):
    reason: str = Field(max_length=20, description="repair、objection 或 withdrawal")
    note: str = Field(max_length=2000)
    reference: str = Field(default="", max_length=60)


class VoidIn(Schema):
    note: str = Field(max_length=2000)


class EntryOut(Schema):
    id: int
    number: str
    list_type: str
    list_name: str
    kind: str
    subject_name: str
    subject_identifier: str
    department: str
    decision_number: str
    decided_on: dt.date
    starts_on: dt.date
    ends_on: dt.date | None
    state: str
    state_label: str
    exit_reason: str
    exited_on: dt.date | None
