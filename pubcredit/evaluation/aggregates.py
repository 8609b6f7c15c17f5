"""Reading the aggregates the scorecards need, for many subjects at once.

Records are aggregated in SQL per subject (`GROUP BY subject_id` with one `FILTER` aggregate per
distinct indicator input), joined to the subjects so that a subject without records is scored
too; list entries come from `lists.selectors.entries_in_force` per chunk. Only records that count
are read: active, decided on or before the day, and inside their public disclosure period.

The SQL is built from the scorecards alone: the filter values were checked by the loader against
the fixed choices of the records app (kind, tier, class) or a code pattern, so they are written
into the statement as quoted literals, as is the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from pubcredit.evaluation.loader import Band, Indicator, Scorecard
from pubcredit.lists.selectors import entries_in_force
from pubcredit.records.models import Record, RecordStatus
from pubcredit.subjects.models import Subject

AggregateKey = tuple[Any, ...]


@dataclass
class Plan:
    """The distinct inputs of a set of scorecards and where each indicator finds its value."""

    cards: list[Scorecard]
    keys: list[AggregateKey] = field(default_factory=list)
    slots: dict[str, list[list[int]]] = field(default_factory=dict)  # card code -> [dimension][indicator]
    samples: dict[AggregateKey, Indicator] = field(default_factory=dict)
    #: card code -> (slot, bands or None) per indicator: what a card's result depends on. An
    #: indicator scored by bands whose explanation does not show the value depends on the band only.
    result_inputs: dict[str, list[tuple[int, tuple[Band, ...] | None]]] = field(default_factory=dict)

    @classmethod
    def of(cls, cards: Sequence[Scorecard]) -> Plan:
        plan = cls(list(cards))
        index: dict[AggregateKey, int] = {}
        for card in cards:
            card_slots: list[list[int]] = []
            for dimension in card.dimensions:
                dim_slots = []
                for indicator in dimension.indicators:
                    key = indicator.aggregate_key
                    if key not in index:
                        index[key] = len(plan.keys)
                        plan.keys.append(key)
                        plan.samples[key] = indicator
                    dim_slots.append(index[key])
                card_slots.append(dim_slots)
            plan.slots[card.code] = card_slots
            plan.result_inputs[card.code] = [
                (slot, indicator.bands if indicator.bands and "{value}" not in indicator.explain else None)
                for dimension, dim_slots in zip(card.dimensions, card_slots, strict=True)
                for indicator, slot in zip(dimension.indicators, dim_slots, strict=True)
            ]
        return plan

    def result_key(self, code: str, values: Sequence[float | None]) -> tuple[Any, ...]:
        """Equal keys give equal results (points, grade and explanation) under card `code`."""
        key: list[Any] = []
        for slot, bands in self.result_inputs[code]:
            value = values[slot]
            if bands is None or value is None:
                key.append(value)
            else:
                key.append(next((n for n, band in enumerate(bands) if band.holds(value)), -1))
        return tuple(key)

    @property
    def record_keys(self) -> list[tuple[int, AggregateKey]]:
        return [(n, key) for n, key in enumerate(self.keys) if key[0] == "records"]

    @property
    def list_keys(self) -> list[tuple[int, AggregateKey]]:
        return [(n, key) for n, key in enumerate(self.keys) if key[0] == "lists"]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _condition(filters: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    parts = [f"{column} IN ({', '.join(_literal(v) for v in values)})" for column, values in filters]
    return " AND ".join(parts)


def _age_days(on: dt.date) -> str:
    if connection.vendor == "postgresql":
        return f"(DATE {_literal(on.isoformat())} - decided_on)::float8"
    return f"(julianday({_literal(on.isoformat())}) - julianday(decided_on))"


def _aggregate_sql(key: AggregateKey, on: dt.date) -> str:
    _source, filters, measure, half_life = key
    condition = _condition(filters)
    where = f" FILTER (WHERE {condition})" if condition else ""
    if measure == "count":
        return f"COUNT(*){where}"
    if measure == "decayed_count":
        return f"SUM(POWER(0.5, {_age_days(on)} / {int(half_life)})){where}"
    return f"MAX(decided_on){where}"


def records_where(on: dt.date) -> str:
    """Records that count on `on`: active, decided by then, not past their public end."""
    day = _literal(on.isoformat())
    return (
        f"status = {_literal(RecordStatus.ACTIVE)} AND decided_on <= {day} "
        f"AND (disclosure_ends_on IS NULL OR disclosure_ends_on >= {day})"
    )


def aggregate_statement(plan: Plan, on: dt.date, *, subject_ids: Sequence[int] | None = None) -> tuple[str, list[Any]]:
    """One statement giving (subject id, kind, aggregates...) for every subject (or the ones given)."""
    record_keys = plan.record_keys
    columns = [f"{_aggregate_sql(key, on)} AS a{n}" for n, key in record_keys]
    subjects = Subject._meta.db_table
    records = Record._meta.db_table
    params: list[Any] = []
    inner_filter = outer_filter = ""
    if subject_ids is not None:
        if connection.vendor == "postgresql":
            inner_filter, outer_filter = " AND subject_id = ANY(%s)", " WHERE s.id = ANY(%s)"
            params = [list(subject_ids), list(subject_ids)]
        else:
            marks = ", ".join("%s" for _ in subject_ids)
            inner_filter, outer_filter = f" AND subject_id IN ({marks})", f" WHERE s.id IN ({marks})"
            params = [*subject_ids, *subject_ids]
    if not columns:
        return f"SELECT s.id, s.kind FROM {subjects} s{outer_filter} ORDER BY s.id", params[len(params) // 2 :]
    picked = ", ".join(f"a.a{n}" for n, _ in record_keys)
    sql = (
        f"SELECT s.id, s.kind, {picked} FROM {subjects} s LEFT JOIN ("
        f"SELECT subject_id, {', '.join(columns)} FROM {records} WHERE {records_where(on)}{inner_filter} "
        f"GROUP BY subject_id) a ON a.subject_id = s.id{outer_filter}"
    )
    return sql, params


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class RowBuilder:
    """Turns the statement's rows and the chunk's list entries into value vectors."""

    def __init__(self, plan: Plan, on: dt.date) -> None:
        self.plan = plan
        self.on = on
        self.size = len(plan.keys)
        self.record_converters: list[tuple[int, int, str]] = [
            (column, n, key[2]) for column, (n, key) in enumerate(plan.record_keys, start=2)
        ]
        self.list_keys = plan.list_keys

    def values(self, row: Sequence[Any], entries: Sequence[Any]) -> list[float | None]:
        out: list[float | None] = [None] * self.size
        for column, n, measure in self.record_converters:
            raw = row[column]
            if measure == "count":
                out[n] = int(raw or 0)
            elif measure == "decayed_count":
                # Shown with one decimal in the explanation, and scored as shown.
                out[n] = round(float(raw or 0.0), 1)
            else:
                latest = _as_date(raw)
                out[n] = None if latest is None else (self.on - latest).days
        for n, key in self.list_keys:
            filters = dict(key[1])
            kinds = filters.get("kind")
            matching = [e for e in entries if kinds is None or e.kind in kinds]
            if key[2] == "count":
                out[n] = len(matching)
            else:
                out[n] = min(((self.on - e.starts_on).days for e in matching), default=None)
        return out


def iter_subject_values(
    plan: Plan, on: dt.date, *, subject_ids: Sequence[int] | None = None, chunk: int = 5_000
) -> Iterator[list[tuple[int, str, list[float | None]]]]:
    """Chunks of (subject id, subject kind, values) for every subject, or for `subject_ids`."""
    builder = RowBuilder(plan, on)
    if subject_ids is not None:
        ids = sorted(set(subject_ids))
        # SQLite binds each id twice as its own parameter (at most 32,766 per statement).
        step = chunk if connection.vendor == "postgresql" else min(chunk, 10_000)
        for start in range(0, len(ids), step):
            part = ids[start : start + step]
            sql, params = aggregate_statement(plan, on, subject_ids=part)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            yield _chunk_values(builder, rows, on)
        return
    sql, params = aggregate_statement(plan, on)
    with connection.chunked_cursor() as cursor:
        if connection.vendor == "postgresql":
            # The aggregate is read whole by a hash join; the cursor must not favour a fast start
            # (an index walk by subject fetches records in random order), and the hash table of a
            # million groups should stay in memory.
            with connection.cursor() as settings_cursor:
                settings_cursor.execute("SET cursor_tuple_fraction = 1.0")
                settings_cursor.execute("SET work_mem = '256MB'")
                settings_cursor.execute("SET jit = off")  # compiling costs seconds and saves less
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield _chunk_values(builder, rows, on)
    if connection.vendor == "postgresql":
        with connection.cursor() as settings_cursor:
            settings_cursor.execute("RESET cursor_tuple_fraction")
            settings_cursor.execute("RESET work_mem")
            settings_cursor.execute("RESET jit")


def _chunk_values(
    builder: RowBuilder, rows: Sequence[Sequence[Any]], on: dt.date
) -> list[tuple[int, str, list[float | None]]]:
    entries = entries_in_force([row[0] for row in rows], on=on) if builder.list_keys else {}
    return [(row[0], row[1], builder.values(row, entries.get(row[0], ()))) for row in rows]
