"""JSON shapes of the objection API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

# A database id: larger numbers cannot name a row (and SQLite refuses them outright).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class EvidenceIn(Schema):
    file_name: str = Field(..., description="文件名，扩展名 .pdf / .jpg / .jpeg / .png")
    content_base64: str = Field(..., description="文件内容（Base64）")


class ObjectionIn(Schema):
    records: list[RecordId] = Field(..., description="有异议的信用记录编号")
    ground: str = Field(..., description="error / secret / expired / other")
    statement: str
    by_agent: bool = False
    authorisation_ref: str = ""
    evidence: list[EvidenceIn] = Field(default_factory=list, description="证明材料（按所在地办法可能必填）")


class AnswerIn(Schema):
    answer: str = Field(..., description="corrected / confirmed / unverifiable")
    reason: str = Field(..., description="核查说明")
    data: dict[str, Any] | None = Field(None, description="更正后的字段值（仅更正时）")


class ItemOut(Schema):
    id: int
    record_id: int
    item_code: str
    state: str
    forwarded_on: dt.date | None
    provider_due_on: dt.date | None
    overdue: bool
    result: str
    reason: str
    answered_on: dt.date | None


class ObjectionOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    ground: str
    channel: str
    pack: str
    received_on: dt.date
    due_on: dt.date | None
    check_due_on: dt.date | None
    forward_due_on: dt.date | None
    total_due_on: dt.date | None
    notice_due_on: dt.date | None
    review_due_on: dt.date | None
    closed_on: dt.date | None
    overdue: bool
    escalated: bool
    items: list[ItemOut]
