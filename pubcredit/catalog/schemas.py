"""Shapes of the public catalogue API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool = False  # optional in a stored field list, as in `FieldSpec`
    required_for: list[str] = []
    choices: list[str] = []
    max_length: int | None = None
    aliases: list[str] = []
    sensitivity: str = "none"


class CatalogItemSummaryOut(Schema):
    code: str
    version: int
    name: str
    info_class: str
    info_class_label: str
    kind: str
    kind_label: str
    subject_kinds: list[str]
    openness: str
    openness_label: str
    dual_publicity: bool
    valid_from: dt.date
    valid_to: dt.date | None
    legal_basis: str


class CatalogItemOut(CatalogItemSummaryOut):
    status: str
    description: str
    period_rule: dict[str, Any]
    reporting_wd: int | None
    update_frequency: str
    fields: list[FieldOut]


class CatalogVersionOut(Schema):
    version: int
    status: str
    valid_from: dt.date
    valid_to: dt.date | None
    name: str
    created_at: dt.datetime
