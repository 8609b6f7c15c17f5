"""Shapes of the reports API answers."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class VerifyOut(Schema):
    number: str
    found: bool
    subject_name: str | None = None  # a person's name masked
    subject_identifier: str | None = None  # USCC, or the masked ID number
    kind: str | None = None
    kind_label: str | None = None
    span_from: dt.date | None = None
    span_to: dt.date | None = None
    generated_at: dt.datetime | None = None
    sm3: str | None = None
    superseded: bool = False
    superseded_by: str | None = None
    superseded_at: dt.datetime | None = None
    matches: bool | None = None  # whether the sm3 given in the query is the archived file's
    certificate_url: str
