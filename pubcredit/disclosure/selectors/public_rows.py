"""The public read path's rows in one hand-written query: the hottest read of the platform.

`GET /api/v1/subjects/{uscc}/record` and the portal's subject page ask for a subject's public
records many times a second; building and compiling the equivalent ORM query costs several times
the query itself. This module states the same necessary conditions as the ORM prefilter for a
PUBLIC viewer (active, public item, public end not passed) in SQL, fetches the records with their
item and their holds, and builds the same model instances. `decide` still runs on every row, and
the property test compares this path with `decide` over every record.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import orjson
from django.db import connection
from django.db.models.base import ModelState

from pubcredit.catalog.models import CatalogItem
from pubcredit.disclosure.models.outcomes import HideRequest, HideState
from pubcredit.disclosure.rules import OPEN_PUBLIC
from pubcredit.records.models import Annotation, Record, RecordStatus
from pubcredit.subjects.identifiers import normalise_code
from pubcredit.subjects.models import Subject

_RECORD_WANTED = {
    "id",
    "subject_id",
    "subject_kind",
    "item_id",
    "item_code",
    "provider_id",
    "source_ref",
    "info_class",
    "kind",
    "tier",
    "decided_on",
    "end_date",
    "data",
    "status",
    "version",
    "self_declared",
    "disclosure_ends_on",
    "retention_ends_on",
}
_ITEM_WANTED = {"id", "name", "openness", "fields"}
# `Model.from_db` takes the loaded values in the model's field order.
_RECORD_FIELDS = tuple(f.attname for f in Record._meta.concrete_fields if f.attname in _RECORD_WANTED)
_ITEM_FIELDS = tuple(f.attname for f in CatalogItem._meta.concrete_fields if f.attname in _ITEM_WANTED)
_RECORD_DATA = _RECORD_FIELDS.index("data")
_ITEM_SPECS = _ITEM_FIELDS.index("fields")


def _json(value: Any) -> Any:
    """A JSON column as the ORM would give it (PostgreSQL's jsonb arrives as text, as in Django)."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


@lru_cache(maxsize=256)
def _item(db: str, values: tuple[Any, ...]) -> CatalogItem:
    """One shared instance per catalogue version's content as fetched (the key holds the content
    itself, so an edited version is a new key). Read-only here: the public path never writes."""
    loaded = list(values)
    loaded[_ITEM_SPECS] = _json(loaded[_ITEM_SPECS])
    return CatalogItem.from_db(db, _ITEM_FIELDS, loaded)


def _record(db: str, values: list[Any]) -> Record:
    """`Record.from_db` without `Model.__init__`: the values go straight into the instance, as
    `from_db` would put them (deferred fields load on access as usual). No signal receiver
    watches records being loaded; at a dozen rows per look-up the constructor was a tenth of it."""
    record = Record.__new__(Record)
    record.__dict__.update(zip(_RECORD_FIELDS, values, strict=True))
    record._state = ModelState()
    record._state.adding = False
    record._state.db = db
    return record


def _sql(vendor: str, hiding_allowed: bool, *, by_uscc: bool = False) -> str:
    """The subject's rows first (a materialised step), then their catalogue versions.

    The catalogue table is tiny and rarely changes, so PostgreSQL's autovacuum may never analyse it;
    without statistics the planner would loop over the catalogue and scan the subject's records
    once per item. Fetching the records by the subject index first keeps the plan right either way.
    """
    record, item = Record._meta.db_table, CatalogItem._meta.db_table
    annotation, hide = Annotation._meta.db_table, HideRequest._meta.db_table
    record_columns = ", ".join(_RECORD_FIELDS)
    columns = (
        ", ".join(f"r.{name}" for name in _RECORD_FIELDS)
        + ", "
        + ", ".join(f"i.{n} AS catalog_{n}" for n in _ITEM_FIELDS)
    )
    holds = f"EXISTS (SELECT 1 FROM {annotation} a WHERE a.record_id = r.id AND a.active)"
    hidden = (
        f"EXISTS (SELECT 1 FROM {hide} h WHERE h.record_id = r.id AND h.state <> '{HideState.CANCELLED}')"
        if hiding_allowed
        else "0 = 1"
    )
    materialised = "MATERIALIZED " if vendor == "postgresql" else ""
    rows = (
        f"r AS {materialised}(SELECT {record_columns} FROM {record} "
        f"WHERE subject_id = {'(SELECT id FROM s)' if by_uscc else '%s'} AND status = '{RecordStatus.ACTIVE}' "
        "AND (disclosure_ends_on IS NULL OR disclosure_ends_on >= %s)), "
        f"p AS (SELECT {columns}, {holds} AS hold_annotated, {hidden} AS hold_hidden "
        f"FROM r JOIN {item} i ON i.id = r.item_id WHERE i.openness = '{OPEN_PUBLIC}')"
    )
    order = "ORDER BY p.kind, p.info_class, p.decided_on DESC, p.id DESC"
    if not by_uscc:
        return f"WITH {rows} SELECT p.* FROM p {order}"
    subject_columns = ", ".join(f"s.{name}" for name in _SUBJECT_FIELDS)
    # The subject's columns on every row, and one row with no record when it has none shown.
    return (
        f"WITH s AS {materialised}({_SUBJECT_SQL}), {rows} "
        f"SELECT {subject_columns}, p.* FROM s LEFT JOIN p ON true {order}"
    )


@lru_cache(maxsize=8)
def _cached_sql(vendor: str, hiding_allowed: bool, by_uscc: bool = False) -> str:
    return _sql(vendor, hiding_allowed, by_uscc=by_uscc)


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of one of this module's statements; prepared on PostgreSQL, where planning them costs
    more than running them (pubcredit/ops/postgresql)."""
    prepared = getattr(connection, "prepared_cursor", None)
    with prepared() if prepared is not None else connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def public_rows(subject_id: int, on: dt.date, *, hiding_allowed: bool) -> list[Record]:
    """Active records of public items not past their stored public end, with `item` loaded and the
    holds the facts builder reads (`hold_annotated`: any active annotation; `hold_hidden`)."""
    sql = _cached_sql(connection.vendor, hiding_allowed)
    return _records(_fetch(sql, [subject_id, connection.ops.adapt_datefield_value(on)]))


def _records(fetched: list[tuple[Any, ...]]) -> list[Record]:
    """Model instances from the rows, each catalogue version built once, holds attached."""
    db = connection.alias
    n_record, n_item = len(_RECORD_FIELDS), len(_ITEM_FIELDS)
    rows: list[Record] = []
    for row in fetched:
        values: list[Any] = list(row[:n_record])
        values[_RECORD_DATA] = _json(values[_RECORD_DATA])
        record = _record(db, values)
        record._state.fields_cache["item"] = _item(db, tuple(row[n_record : n_record + n_item]))
        record.hold_annotated = bool(row[n_record + n_item])  # type: ignore[attr-defined]
        record.hold_hidden = bool(row[n_record + n_item + 1])  # type: ignore[attr-defined]
        rows.append(record)
    return rows


_SUBJECT_FIELDS = tuple(
    f.attname for f in Subject._meta.concrete_fields if f.attname in {"id", "kind", "name", "uscc", "district"}
)
_SUBJECT_SQL = f"SELECT {', '.join(_SUBJECT_FIELDS)} FROM {Subject._meta.db_table} WHERE uscc = %s"


def public_subject_rows(uscc: str, on: dt.date, *, hiding_allowed: bool) -> tuple[Subject | None, list[Record]]:
    """The subject holding a USCC (only the columns a public answer shows, no identifiers of
    persons) and its rows as `public_rows` gives them, in one round trip: the public look-up."""
    sql = _cached_sql(connection.vendor, hiding_allowed, True)
    fetched = _fetch(sql, [normalise_code(uscc), connection.ops.adapt_datefield_value(on)])
    if not fetched:
        return None, []
    n_subject = len(_SUBJECT_FIELDS)
    subject = Subject.from_db(connection.alias, _SUBJECT_FIELDS, list(fetched[0][:n_subject]))
    if fetched[0][n_subject] is None:  # the LEFT JOIN's row for a subject with nothing shown
        return subject, []
    return subject, _records([row[n_subject:] for row in fetched])
