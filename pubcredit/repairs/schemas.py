"""Shapes of the repairs API answers."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class RepairOut(Schema):
    id: int
    number: str
    record: int
    item: str
    provider: int
    state: str
    state_label: str
    received_on: dt.date
    decision_due_on: dt.date | None
    decision_due_provisional: bool
    decision_due_basis: str
    overdue: bool
    intentional: bool | None
    commitment_signed_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str
    proofs: list[str]


class IneligibleOut(Schema):
    code: str
    message: str
    field: str | None = None
    reasons: list[str] = []
    eligible_from: dt.date | None = None


class DecisionIn(Schema):
    accept: bool
    reason: str = ""
