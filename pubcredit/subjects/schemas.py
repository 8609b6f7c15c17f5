"""JSON shapes of the subjects API. Public shapes carry no personal data at all."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class SubjectPublicOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    uscc: str | None
    district: str | None


class RateLimitedOut(Schema):
    code: str
    message: str
    retry_after: int = Field(description="多少秒后可以再次检索")


class SubjectRegisterIn(Schema):
    """Unknown fields are refused so that a misspelt `id_numbr` cannot silently drop the identifier."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="org（法人和非法人组织）或 person（自然人）")
    name: str = Field(description="名称或姓名")
    uscc: str | None = Field(default=None, description="统一社会信用代码（组织必填）")
    id_number: str | None = Field(default=None, description="身份证号码（自然人必填，仅在请求体中传送）")
    legacy: bool = Field(default=False, description="校验位不符的 2016 年前历史代码，由提供单位标注")
    district: str | None = Field(default=None, description="所属区县")
    on_date: str | None = Field(default=None, description="判断年龄等条件的日期 YYYY-MM-DD，默认今天")


class SubjectRegisteredOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    uscc: str | None
    uscc_legacy: bool
    id_number_masked: str
    district: str | None
    created: bool
    created_at: datetime
