"""Shapes of the measures and credit-check API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class CheckIn(Schema):
    subject: str = Field(max_length=18, description="主体的统一社会信用代码或身份证号码")
    business_type: str = Field(
        max_length=16, description="procurement、licensing、funding、honours、tendering、supervision"
    )
    business_reference: str = Field(default="", max_length=100, description="本部门的业务编号")


class CheckFeedbackIn(Schema):
    outcome: str = Field(max_length=12, description="applied（已实施）或 not_applied（未实施，须说明理由）")
    measures: list[str] = Field(default_factory=list, max_length=50, description="已实施的措施编码")
    note: str = Field(default="", max_length=2000)


class Flag(Schema):
    on: bool
    reasons: list[str]


class CheckOut(Schema):
    number: str
    subject_name: str
    subject_identifier: str
    business_type: str
    checked_at: dt.datetime
    lists: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    green_channel: Flag
    key_supervision: Flag
    outcome: str
    applied_measures: list[str]
    feedback: str


class TaskFeedbackIn(Schema):
    state: str = Field(max_length=16, description="applied（已实施）或 not_applicable（不适用，须说明理由）")
    applied_on: dt.date | None = None
    note: str = Field(default="", max_length=2000)


class TaskOut(Schema):
    id: int
    entry: str
    list_name: str
    subject_name: str
    subject_identifier: str
    measure: str
    measure_name: str
    force: str
    department: str
    due_on: dt.date
    overdue: bool
    state: str
    applied_on: dt.date | None
    feedback: str


class MeasureOut(Schema):
    code: str
    name: str
    nature: str
    force: str
    condition: str
    list_types: list[str]
    business_types: list[str]
    department: str
    legal_basis: str
