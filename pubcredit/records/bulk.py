"""Fast insertion of a validated batch of records and their first versions.

`QuerySet.bulk_create` spends most of a 100,000-row load preparing values field by field; here
each column is adapted once per value with the backend's own adapter and rows go through one
`executemany` per chunk. The first versions are then copied from the inserted rows by a single
INSERT … SELECT, so no primary key has to come back to Python. Same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from pubcredit.records.models import Record, RecordVersion


def _converter(field: models.Field[Any, Any], now_db: Any) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if field.auto_now or field.auto_now_add:
            return lambda _value: now_db
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: ops.adapt_json_value(value, encoder)
    return lambda value: value


def insert_records(records: Sequence[Record], *, now: dt.datetime, chunk_size: int) -> None:
    """INSERT the records as they are (no pk, no signals); constraints still apply in the database."""
    fields = [f for f in Record._meta.concrete_fields if not f.primary_key]
    now_db = connection.ops.adapt_datetimefield_value(now)
    converters = [(f.attname, _converter(f, now_db)) for f in fields]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(Record._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(records), chunk_size):
            chunk = records[start : start + chunk_size]
            cursor.executemany(sql, [tuple(conv(getattr(r, name)) for name, conv in converters) for r in chunk])


def insert_first_versions(
    *,
    provider_id: int,
    batch_ref: str,
    created_at: dt.datetime,
    user_id: int | None,
    label: str,
    reason: str,
    id_range: tuple[int, int] | None = None,
) -> int:
    """Copy version 1 of every record just inserted for this batch (or, with `id_range`, this chunk).

    The batch's rows are those of this provider and batch reference carrying the batch's own
    creation time. No anti-join against the versions: on a table without statistics PostgreSQL
    may plan it as a nested loop over the rows being inserted, which grows with the square of
    the batch. Should a row ever already have a version, the unique (record, version) constraint
    fails the whole batch rather than skipping it.
    """
    qn = connection.ops.quote_name
    record = qn(Record._meta.db_table)
    version = qn(RecordVersion._meta.db_table)
    copied = ["version", "status", "data", "decided_on", "end_date", "tier", "disclosure_ends_on"]
    columns = ["record_id", *copied, "changed_by_id", "changed_by_label", "reason", "created_at"]
    stamp = connection.ops.adapt_datetimefield_value(created_at)
    sql = (
        f"INSERT INTO {version} ({', '.join(qn(c) for c in columns)}) "
        f"SELECT r.{qn('id')}, {', '.join('r.' + qn(c) for c in copied)}, %s, %s, %s, %s "
        f"FROM {record} r WHERE r.{qn('provider_id')} = %s AND r.{qn('batch_ref')} = %s "
        f"AND r.{qn('created_at')} = %s"
    )
    params = [user_id, label, reason, stamp, provider_id, batch_ref, stamp]
    if id_range is not None:
        sql += f" AND r.{qn('id')} BETWEEN %s AND %s"
        params += list(id_range)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def batch_stamp() -> dt.datetime:
    """One creation time for every row of a batch: it also identifies the batch's rows."""
    return timezone.now()
