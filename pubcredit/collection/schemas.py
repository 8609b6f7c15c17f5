from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item: str = Field(description="目录项编码，如 CF（行政处罚）、XK（行政许可）")
    ref: str = Field("", max_length=64, description="批次号；同一单位重复提交同一批次号不会重复入库")
    partial: bool = Field(False, description="true：合格的记录入库，问题记录列入报告；false：有任何问题则整批退回")
    tier: Literal["minor", "general", "severe"] | None = Field(
        None, description="未逐条注明失信等级时适用的等级（不良信息）"
    )
    rows: list[dict[str, Any]] = Field(description="记录，每条为“字段: 值”，字段可用英文名、中文名或双公示列名")


class ProblemOut(Schema):
    row: int | None
    field: str
    value: Any = None
    message: str


class BatchOut(Schema):
    id: int
    ref: str
    item: str
    channel: str
    status: str
    status_label: str
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    problems_count: int
    problems: list[ProblemOut]
    content_sm3: str
    received_at: datetime
    seconds: float
