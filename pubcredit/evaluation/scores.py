"""Computing and storing scores: the full batch and the incremental run.

Records and list entries mostly arrive through bulk paths (COPY, `bulk_create`) that send no
model signals, so changed subjects are found by watermark: rows whose `updated_at` is after the
previous run's start, less `OVERLAP` for transactions that committed after their rows were
stamped. Those subjects are marked dirty (`ScoreDirty`) and the watermark advanced in one
transaction; then the dirty subjects are scored in chunks, each chunk's scores and the removal of
its markers committed together, so a killed run leaves the rest marked for the next one.

A score that comes out the same as the stored one is left alone (the upsert compares), so a run
over subjects that did not really change writes nothing. Scores also move with time alone
(decay, recency bands, disclosure periods ending): the full batch (`--all`) catches those.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone

from pubcredit.core.audit import audit_record
from pubcredit.evaluation.aggregates import Plan, iter_subject_values
from pubcredit.evaluation.engine import score
from pubcredit.evaluation.loader import Scorecard, scorecards_in_force
from pubcredit.evaluation.models import Score, ScoreDirty, ScoreWatermark
from pubcredit.lists.models import ListEntry
from pubcredit.records.models import Record

WATERMARK = "scores"
#: Rows stamped this long before the previous run's start are read again (late commits).
OVERLAP = dt.timedelta(minutes=5)
CHUNK = 5_000

_COLUMNS = ("subject_id", "scorecard", "version", "points", "grade", "explanation", "computed_on", "computed_at")


@dataclass
class RecomputeResult:
    on: dt.date
    mode: str  # all | changed
    subjects: int = 0
    scores: int = 0
    changed: int = 0
    seconds: float = 0.0
    grades: Counter[tuple[str, str]] = field(default_factory=Counter)


def _score_rows(
    chunk: Sequence[tuple[int, str, list[float | None]]],
    cards: Sequence[Scorecard],
    plan: Plan,
    on: dt.date,
    now: dt.datetime,
    result: RecomputeResult,
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    by_kind = {kind: [c for c in cards if kind in c.subject_kinds] for kind in ("org", "person")}
    grades = result.grades
    dumps = orjson.dumps
    for subject_id, kind, values in chunk:
        for card in by_kind.get(kind, ()):
            outcome = score(card, values, plan.slots[card.code])
            grades[(card.code, outcome.grade)] += 1
            rows.append(
                (
                    subject_id,
                    card.code,
                    card.version,
                    outcome.points,
                    outcome.grade,
                    dumps(outcome.lines).decode(),
                    on,
                    now,
                )
            )
    return rows


def _copy_text(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_UPDATE = (
    "version = excluded.version, points = excluded.points, grade = excluded.grade, "
    "explanation = excluded.explanation, computed_on = excluded.computed_on, computed_at = excluded.computed_at"
)


def _upsert_where(table: str) -> str:
    return (
        f"{table}.version <> excluded.version OR {table}.points <> excluded.points "
        f"OR {table}.grade <> excluded.grade OR {table}.explanation <> excluded.explanation"
    )


def _write(rows: list[tuple[Any, ...]]) -> int:
    """Upsert the rows; an unchanged score is not rewritten. Returns the rows inserted or changed."""
    if not rows:
        return 0
    table = Score._meta.db_table
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS evaluation_score_in (subject_id bigint, scorecard varchar(40), "
                "version integer, points integer, grade varchar(16), explanation jsonb, computed_on date, "
                "computed_at timestamptz) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE evaluation_score_in")  # inside one outer transaction, rows stay
            raw = cursor.cursor
            with raw.copy(f"COPY evaluation_score_in ({columns}) FROM STDIN") as copy:
                copy.write(
                    "".join(
                        "\t".join(_copy_text(v) if not isinstance(v, dt.datetime) else v.isoformat() for v in row)
                        + "\n"
                        for row in rows
                    )
                )
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM evaluation_score_in "
                f"ON CONFLICT (subject_id, scorecard) DO UPDATE SET {_UPDATE} WHERE {_upsert_where(table)}"
            )
            return int(cursor.rowcount)
        marks = ", ".join(["%s"] * len(_COLUMNS))
        before = connection.connection.total_changes
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (subject_id, scorecard) DO UPDATE SET {_UPDATE} WHERE {_upsert_where(table)}",
            rows,
        )
        return int(connection.connection.total_changes - before)


def _process(
    chunks: Iterable[Sequence[tuple[int, str, list[float | None]]]],
    cards: Sequence[Scorecard],
    plan: Plan,
    result: RecomputeResult,
    *,
    started: dt.datetime,
    clear_dirty: bool,
) -> None:
    for chunk in chunks:
        rows = _score_rows(chunk, cards, plan, result.on, started, result)
        with transaction.atomic():
            result.changed += _write(rows)
            if clear_dirty:
                ScoreDirty.objects.filter(subject_id__in=[c[0] for c in chunk], marked_at__lte=started).delete()
        result.subjects += len(chunk)
        result.scores += len(rows)


def changed_subjects(since: dt.datetime) -> set[int]:
    """Subjects with records or list entries stamped after `since` (bulk paths included)."""
    found = set(Record.objects.filter(updated_at__gt=since).values_list("subject_id", flat=True).distinct())
    found |= set(ListEntry.objects.filter(updated_at__gt=since).values_list("subject_id", flat=True).distinct())
    return found


def mark_dirty(subject_ids: Iterable[int], *, at: dt.datetime | None = None) -> int:
    """Queue subjects for the next recompute (for writers that change what a score reads)."""
    when = at or timezone.now()
    ids = sorted(set(subject_ids))
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        ScoreDirty.objects.filter(subject_id__in=part).update(marked_at=when)
        ScoreDirty.objects.bulk_create(
            [ScoreDirty(subject_id=pk, marked_at=when) for pk in part], ignore_conflicts=True
        )
    return len(ids)


def scores_recompute(*, on: dt.date | None = None, full: bool = False) -> RecomputeResult:
    """Score the subjects that changed since the last run (or every subject with `full`).

    The first run on a database, without a watermark, is a full one.
    """
    clock = time.monotonic()
    started = timezone.now()
    day = on or timezone.localdate()
    cards = scorecards_in_force(on=day)
    plan = Plan.of(cards)
    mark = ScoreWatermark.objects.filter(name=WATERMARK).first()
    if full or mark is None:
        result = RecomputeResult(day, "all")
        _process(iter_subject_values(plan, day, chunk=CHUNK), cards, plan, result, started=started, clear_dirty=False)
        with transaction.atomic():
            ScoreDirty.objects.filter(marked_at__lte=started).delete()
            ScoreWatermark.objects.update_or_create(name=WATERMARK, defaults={"mark": started})
    else:
        result = RecomputeResult(day, "changed")
        with transaction.atomic():
            mark_dirty(changed_subjects(mark.mark - OVERLAP), at=started)
            ScoreWatermark.objects.filter(name=WATERMARK).update(mark=started)
        dirty = list(ScoreDirty.objects.filter(marked_at__lte=started).values_list("subject_id", flat=True))
        _process(
            iter_subject_values(plan, day, subject_ids=dirty, chunk=CHUNK),
            cards,
            plan,
            result,
            started=started,
            clear_dirty=True,
        )
    result.seconds = time.monotonic() - clock
    with transaction.atomic():
        audit_record(
            actor=None,
            action="evaluation.scores.recompute",
            data={
                "on": day.isoformat(),
                "mode": result.mode,
                "subjects": result.subjects,
                "changed": result.changed,
                "scorecards": [f"{c.code}:v{c.version}" for c in cards],
            },
        )
    return result
