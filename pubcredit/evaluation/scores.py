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
import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import psycopg.errors
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pubcredit.core.audit import audit_record
from pubcredit.evaluation.aggregates import Plan, iter_subject_values
from pubcredit.evaluation.engine import score
from pubcredit.evaluation.loader import Scorecard, scorecards_in_force
from pubcredit.evaluation.models import Score, ScoreDirty, ScoreWatermark
from pubcredit.evaluation.score_writer import chunk_writer
from pubcredit.lists.models import ListEntry
from pubcredit.records.models import Record

WATERMARK = "scores"
#: Rows stamped this long before the previous run's start are read again (late commits).
OVERLAP = dt.timedelta(minutes=5)
CHUNK = 20_000

_COLUMNS = (
    "subject_id",
    "scorecard",
    "version",
    "points",
    "grade",
    "explanation",
    "digest",
    "computed_on",
    "computed_at",
)


@dataclass
class RecomputeResult:
    on: dt.date
    mode: str  # all | changed
    subjects: int = 0
    scores: int = 0
    changed: int = 0
    seconds: float = 0.0
    grades: Counter[tuple[str, str]] = field(default_factory=Counter)


#: Subjects with the same inputs get the same result; most clean subjects share a few.
_MEMO_LIMIT = 200_000


def _digest(version: int, points: int, grade: str, explanation: str) -> int:
    """A signed 64-bit digest of a result (blake2b), compared before anything is written."""
    raw = hashlib.blake2b(f"{version}|{points}|{grade}|{explanation}".encode(), digest_size=8).digest()
    return int.from_bytes(raw, "big", signed=True)


def _stored_digests(subject_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    if not subject_ids:
        return {}
    low, high = min(subject_ids), max(subject_ids)
    scores = Score.objects.all()
    if high - low < 2 * len(subject_ids):  # dense ids: one index range
        scores = scores.filter(subject_id__gte=low, subject_id__lte=high)
    else:
        scores = scores.filter(subject_id__in=list(subject_ids))
    rows = scores.values_list("subject_id", "scorecard", "digest")
    return {(subject_id, code): digest for subject_id, code, digest in rows.iterator(chunk_size=20_000)}


def _score_rows(
    chunk: Sequence[tuple[int, str, list[float | None]]],
    cards: Sequence[Scorecard],
    plan: Plan,
    on: dt.date,
    now: dt.datetime,
    result: RecomputeResult,
    memo: dict[tuple[Any, ...], tuple[int, str, str, int]],
) -> tuple[list[tuple[Any, ...]], bool]:
    """The rows whose result differs from the stored one (or that have none), and whether none of
    the chunk's subjects had a stored score."""
    rows: list[tuple[Any, ...]] = []
    by_kind = {kind: [c for c in cards if kind in c.subject_kinds] for kind in ("org", "person")}
    grades = result.grades
    dumps = orjson.dumps
    stored = _stored_digests([c[0] for c in chunk])
    scores = 0
    result_key = plan.result_key
    for subject_id, kind, values in chunk:
        for card in by_kind.get(kind, ()):
            key = (card.code, result_key(card.code, values))
            found = memo.get(key)
            if found is None:
                outcome = score(card, values, plan.slots[card.code])
                text = dumps(outcome.lines).decode()
                found = (
                    outcome.points,
                    outcome.grade,
                    text,
                    _digest(card.version, outcome.points, outcome.grade, text),
                )
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                memo[key] = found
            scores += 1
            grades[(card.code, found[1])] += 1
            if stored.get((subject_id, card.code)) != found[3]:
                rows.append((subject_id, card.code, card.version, *found, on, now))
    result.scores += scores
    return rows, not stored


_UPDATE = (
    "version = excluded.version, points = excluded.points, grade = excluded.grade, "
    "explanation = excluded.explanation, digest = excluded.digest, computed_on = excluded.computed_on, "
    "computed_at = excluded.computed_at"
)


def _upsert_where(table: str) -> str:
    return f"{table}.digest <> excluded.digest"


def _copy_fresh(rows: list[tuple[Any, ...]]) -> bool:
    """COPY straight into the table when the chunk's subjects had no score (the first run): half
    the work of the upsert. False when a row appeared meanwhile; nothing is then written."""
    columns = ", ".join(_COLUMNS)
    statement = f"COPY {Score._meta.db_table} ({columns}) FROM STDIN"
    try:
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except (IntegrityError, psycopg.errors.UniqueViolation):
        return False
    return True


def _write(rows: list[tuple[Any, ...]], *, fresh: bool = False) -> int:
    """Upsert the rows; an unchanged score is not rewritten. Returns the rows inserted or changed."""
    if not rows:
        return 0
    table = Score._meta.db_table
    columns = ", ".join(_COLUMNS)
    if fresh and connection.vendor == "postgresql" and _copy_fresh(rows):
        return len(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS evaluation_score_in (subject_id bigint, scorecard varchar(40), "
                "version integer, points integer, grade varchar(16), explanation jsonb, digest bigint, "
                "computed_on date, computed_at timestamptz) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE evaluation_score_in")  # inside one outer transaction, rows stay
            raw = cursor.cursor
            with raw.copy(f"COPY evaluation_score_in ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
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
    memo: dict[tuple[Any, ...], tuple[int, str, str, int]] = {}

    def write(rows: list[tuple[Any, ...]], fresh: bool, done_ids: Sequence[int] | None) -> int:
        changed = _write(rows, fresh=fresh)
        if done_ids is not None:
            ScoreDirty.objects.filter(subject_id__in=list(done_ids), marked_at__lte=started).delete()
        return changed

    with chunk_writer(write) as writer:
        for chunk in chunks:
            rows, fresh = _score_rows(chunk, cards, plan, result.on, started, result, memo)
            writer(rows, fresh, [c[0] for c in chunk] if clear_dirty else None)
            result.subjects += len(chunk)
    result.changed += writer.changed


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
