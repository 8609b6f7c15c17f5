"""Request and answer shapes of the authorised-query and sharing API.

Subjects are named in the JSON body (a USCC, or an ID number that must never appear in a URL);
answers name persons by their masked ID number only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthorisedQueryIn(_In):
    uscc: str | None = Field(None, max_length=40, description="法人和非法人组织的统一社会信用代码")
    id_number: str | None = Field(None, max_length=40, description="自然人身份证号码（只放在请求体中）")
    authorisation_id: int | str = Field(..., description="授权编号")
    purpose: str = Field(..., max_length=200, description="查询用途，须与授权约定的用途一致")
    items: list[str] | None = Field(None, max_length=100, description="只查询其中部分授权事项时填写")
    provide_to: str = Field("", max_length=200, description="查询结果拟提供的第三方（未经主体同意将被拒绝）")
    confirm_charge: bool = Field(False, description="实行收费查询的地区，确认本次查询按规定收费")


class SharingQueryIn(_In):
    agreement_id: int | str = Field(..., description="共享协议编号")
    uscc: str | None = Field(None, max_length=40)
    id_number: str | None = Field(None, max_length=40)
    purpose: str = Field("", max_length=200, description="共享用途，填写时须与协议一致")
    provide_to: str = Field("", max_length=200)


class SharingBatchIn(_In):
    agreement_id: int | str = Field(..., description="共享协议编号")
    usccs: list[str] = Field(default_factory=list, description="统一社会信用代码列表")
    id_numbers: list[str] = Field(default_factory=list, description="身份证号码列表")
    purpose: str = Field("", max_length=200)
    provide_to: str = Field("", max_length=200)


class RecordOut(BaseModel):
    id: int
    item_code: str
    item_name: str
    kind: str
    info_class: str
    tier: str | None
    decided_on: dt.date
    end_date: dt.date | None
    source_ref: str
    data: dict[str, Any]
    annotations: list[str]


class SubjectRecordsOut(BaseModel):
    subject_id: int
    kind: str
    name: str
    identifier: str  # the USCC, or the masked ID number
    records: list[RecordOut]


class AuthorisedAnswerOut(BaseModel):
    authorisation_id: int
    purpose: str
    items: list[str]
    query_log_id: int
    subject: SubjectRecordsOut


class SharingAnswerOut(BaseModel):
    agreement_id: int
    items: list[str]
    subjects: list[SubjectRecordsOut]
    not_found: list[str]
