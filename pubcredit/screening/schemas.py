"""JSON shapes of the screening API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class CandidateOut(Schema):
    subject_id: int
    name: str
    identifier: str
    kind: str
    score: int
    reason: str
    lists: list[str]
    measures: list[str]
    standing: bool = False
    false_match: int | None = None


class RowOut(Schema):
    row_number: int
    input_name: str
    input_code: str
    outcome: str
    outcome_label: str
    message: str
    candidates: list[CandidateOut]


class JobOut(Schema):
    id: int
    file_name: str
    business_type: str
    state: str
    state_label: str
    total_rows: int | None
    processed_rows: int
    matched_rows: int
    percent: int
    error: str
    screened_on: dt.date | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class JobDetailOut(JobOut):
    page: int
    page_size: int
    results: list[RowOut]


class FalseMatchIn(Schema):
    row_number: int
    subject_id: int


class FalseMatchOut(Schema):
    id: int
    subject_id: int
    input_label: str
    marked_by: str
    marked_at: dt.datetime
    undone_at: dt.datetime | None
