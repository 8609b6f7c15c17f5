"""JSON shapes of the record API: a subject's shown records grouped by kind and class.

Names are unique across the API: the OpenAPI components are keyed by class name, so a second
`RecordOut` or `FieldOut` elsewhere would silently replace one of them in the spec.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ReasonOut(Schema):
    key: str
    value: object
    article: str
    pack: str
    text: str


class ShownFieldOut(Schema):
    name: str
    label: str
    value: object


class ShownRecordOut(Schema):
    id: int
    item_code: str
    item_name: str
    tier: str | None
    decided_on: dt.date
    end_date: dt.date | None
    disclosure_ends_on: dt.date | None
    source_ref: str
    version: int
    state: str
    annotations: list[str]
    fields: list[ShownFieldOut]
    explain: list[ReasonOut] | None = None


class GroupOut(Schema):
    kind: str
    kind_label: str
    info_class: str
    class_label: str
    records: list[ShownRecordOut]


class SubjectBasicsOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    uscc: str | None
    district: str | None


class SubjectRecordOut(Schema):
    subject: SubjectBasicsOut
    on: dt.date
    pack: str
    groups: list[GroupOut]
