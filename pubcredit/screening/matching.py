"""Screening a chunk of input rows: codes first, then names through the candidate index.

Order per row:
1. a 统一社会信用代码 is validated (GB 32100); a valid one found on the platform is the match
   (score 100), a malformed one is reported on the row and the name is still tried;
2. a 身份证号码 matches a natural person only through the keyed blind index, never by name
   (privacy rule); the person is shown masked (masked name, `id_number_masked`);
3. otherwise the name is parsed (`names.parse_name`), the index gives candidates, their current
   names are read from the database and scored (`scoring.score_names`).
Pairs the organisation marked as false matches are left out. The standing (lists, measures) of
every shown candidate is read in one call per chunk.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection

from pubcredit.core.crypto import blind_index, mask_person_name
from pubcredit.screening.index import NameIndex
from pubcredit.screening.models import FalseMatch, Outcome
from pubcredit.screening.names import NameParts, parse_name
from pubcredit.screening.scoring import MATCH_SCORE, MAX_SHOWN, POSSIBLE_SCORE, SHOWN_SCORE, Score, score_names
from pubcredit.screening.standing import standings
from pubcredit.subjects.identifiers import validate_id_number, validate_uscc
from pubcredit.subjects.models import Subject, SubjectKind

READ_CHUNK = 2000
# Status lookups running at once beside the matching (screen_in_chunks).
STATUS_THREADS = 2


@dataclass(frozen=True)
class InputRow:
    """One row of the uploaded list; `id_number` is held only while the row is screened."""

    number: int
    name: str = ""
    code: str = ""
    id_number: str = field(default="", repr=False)
    problems: tuple[str, ...] = ()


@dataclass
class Candidate:
    subject_id: int
    name: str  # as shown: a person's name masked
    identifier: str  # USCC, or a person's masked ID number
    kind: str
    score: int
    reason: str
    lists: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    standing: bool = False  # whether lists and measures were looked up (not for weak candidates)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RowResult:
    number: int
    input_name: str
    input_code: str
    input_key: str
    alt_keys: list[str]
    outcome: str
    message: str
    candidates: list[Candidate]


@dataclass
class PhaseTimes:
    """Seconds spent per phase, summed over chunks (bench/screen.py prints them)."""

    candidates: float = 0.0
    scoring: float = 0.0
    status: float = 0.0

    def add(self, other: PhaseTimes) -> None:
        self.candidates += other.candidates
        self.scoring += other.scoring
        self.status += other.status


def name_key(parts: NameParts) -> str:
    return "name:" + parts.key


def _shown(subject: Subject) -> tuple[str, str]:
    if subject.kind == SubjectKind.PERSON:
        return mask_person_name(subject.name), subject.id_number_masked
    return subject.name, subject.uscc or ""


def _marks(organisation_id: int | None, keys: set[str]) -> set[tuple[str, int]]:
    if organisation_id is None or not keys:
        return set()
    found: set[tuple[str, int]] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), READ_CHUNK):
        marks = FalseMatch.objects.filter(
            organisation_id=organisation_id, input_key__in=ordered[start : start + READ_CHUNK], undone_at__isnull=True
        ).values_list("input_key", "subject_id")
        found.update((key, int(sid)) for key, sid in marks)
    return found


_SHOWN_FIELDS = ("id", "kind", "name", "uscc", "id_number_index", "id_number_masked")


def _read_subjects(**lookup: Sequence[Any]) -> list[Subject]:
    """Subjects by one field's values, in chunks; on PostgreSQL as one `= ANY(array)` parameter
    per chunk (Django's IN resolves every value, measured at a third of a second per 4,000)."""
    ((field_name, values),) = lookup.items()
    values = list(values)
    out: list[Subject] = []
    postgres = connection.vendor == "postgresql"
    for start in range(0, len(values), READ_CHUNK):
        chunk = values[start : start + READ_CHUNK]
        if postgres:
            out += list(
                Subject.objects.only(*_SHOWN_FIELDS).extra(  # constant SQL; the values are a parameter
                    where=[f"{connection.ops.quote_name(field_name)} = ANY(%s)"], params=[chunk]
                )
            )
        else:
            out += list(Subject.objects.filter(**{f"{field_name}__in": chunk}).only(*_SHOWN_FIELDS))
    return out


def _read_organisations(ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name, USCC) of the organisations among `ids`, as shown; deleted ones are missing."""
    out: dict[int, tuple[str, str]] = {}
    postgres = connection.vendor == "postgresql"
    for start in range(0, len(ids), READ_CHUNK):
        chunk = ids[start : start + READ_CHUNK]
        orgs = Subject.objects.filter(kind=SubjectKind.ORG)
        # On PostgreSQL the ids go as one array parameter (constant SQL).
        orgs = orgs.extra(where=["id = ANY(%s)"], params=[chunk]) if postgres else orgs.filter(id__in=chunk)
        out.update((pk, (name, uscc or "")) for pk, name, uscc in orgs.values_list("id", "name", "uscc"))
    return out


def _outcome(candidates: list[Candidate]) -> str:
    return _outcome_of_score(candidates[0].score if candidates else None)


def _outcome_of_score(best: int | None) -> str:
    if best is None:
        return Outcome.NONE
    if best >= MATCH_SCORE:
        return Outcome.MATCHED
    if best >= POSSIBLE_SCORE:
        return Outcome.POSSIBLE
    return Outcome.NONE


def shown_outcome(row: Any, shown: list[dict[str, Any]]) -> str:
    """A stored row's outcome once marked false matches are left out (`shown` is what remains)."""
    if row.outcome == Outcome.INVALID or len(shown) == len(row.candidates):
        return str(row.outcome)
    return _outcome_of_score(int(shown[0]["score"]) if shown else None)


def screen_rows(
    rows: Sequence[InputRow],
    *,
    index: NameIndex,
    organisation_id: int | None,
    on: dt.date,
    business_type: str | None = None,
    times: PhaseTimes | None = None,
    with_status: bool = True,
) -> list[RowResult]:
    """Screen `rows` (see the module docstring); results in the order of `rows`."""
    times = times if times is not None else PhaseTimes()
    started = time.monotonic()
    messages: dict[int, list[str]] = defaultdict(list)
    usccs: dict[int, str] = {}
    persons: dict[int, tuple[str, str]] = {}  # row -> (blind index, masked)
    names: dict[int, NameParts] = {}
    keys: dict[int, list[str]] = defaultdict(list)
    shown_code: dict[int, str] = {}
    for position, row in enumerate(rows):
        messages[position].extend(row.problems)
        if row.id_number:
            checked = validate_id_number(row.id_number, on_date=on)
            shown_code[position] = checked.masked
            if checked.valid:
                index_value = blind_index(checked.value)
                persons[position] = (index_value, checked.masked)
                keys[position].append("id:" + index_value)
            else:
                messages[position].append(checked.reason or "身份证号码无效")
            continue  # a person is matched by the ID number only, never by name
        if row.code:
            checked_code = validate_uscc(row.code)
            shown_code[position] = checked_code.value
            if checked_code.valid:
                usccs[position] = checked_code.value
                keys[position].append("uscc:" + checked_code.value)
            else:
                messages[position].append(checked_code.reason or "统一社会信用代码无效")
        if row.name:
            parsed = parse_name(row.name)
            if parsed.core:
                names[position] = parsed
                keys[position].append(name_key(parsed))

    by_uscc = {s.uscc: s for s in _read_subjects(uscc=sorted(set(usccs.values()))) if s.kind == SubjectKind.ORG}
    by_index = {
        s.id_number_index: s
        for s in _read_subjects(id_number_index=sorted({v[0] for v in persons.values()}))
        if s.kind == SubjectKind.PERSON
    }
    excluded = _marks(organisation_id, {k for ks in keys.values() for k in ks})

    # Name candidates only for rows not already settled by a code: first the same core or
    # pinyin, then, for rows still without a match, cores one character apart.
    def settled_by_code(position: int) -> bool:
        """A row whose code found a subject not marked false for it needs no name matching."""
        code = usccs.get(position)
        found = by_uscc.get(code) if code is not None else None
        return found is not None and ("uscc:" + str(code), found.pk) not in excluded

    name_rows = [p for p in names if not settled_by_code(p)]
    scored_names: dict[int, dict[int, Score]] = {p: {} for p in name_rows}
    scoring_seconds = 0.0

    def score_stage(positions: list[int], *, deletions: bool) -> None:
        nonlocal scoring_seconds
        shortlists = index.shortlist([names[p] for p in positions], deletions=deletions)
        began = time.monotonic()
        pairs = [
            (position, sid)
            for position, ids in zip(positions, shortlists, strict=True)
            for sid in ids
            if sid not in scored_names[position] and not any((k, sid) in excluded for k in keys[position])
        ]
        stored = index.stored_parts_many([sid for _p, sid in pairs], texts=[names[p].text for p, _sid in pairs])
        for (position, sid), parts in zip(pairs, stored, strict=True):
            if parts is not None:
                scored_names[position][sid] = score_names(names[position], parts)
        scoring_seconds += time.monotonic() - began

    score_stage(name_rows, deletions=False)
    unsettled = [p for p in name_rows if max((s.value for s in scored_names[p].values()), default=0) < MATCH_SCORE]
    score_stage(unsettled, deletions=True)
    best_names: dict[int, list[tuple[int, Score]]] = {}
    for position, scored in scored_names.items():
        ranked = sorted(
            ((sid, sc) for sid, sc in scored.items() if sc.value >= SHOWN_SCORE), key=lambda x: (-x[1].value, x[0])
        )
        best_names[position] = ranked[: MAX_SHOWN + 1]
    shown_ids = sorted({sid for ranked in best_names.values() for sid, _sc in ranked})
    orgs = _read_organisations(shown_ids)
    times.candidates += time.monotonic() - started - scoring_seconds
    times.scoring += scoring_seconds

    started = time.monotonic()
    results: list[RowResult] = []
    ambiguous: set[int] = set()
    for position, row in enumerate(rows):
        row_keys = keys.get(position, [])
        candidates: list[Candidate] = []
        person = persons.get(position)
        if person is not None:
            subject = by_index.get(person[0])
            if subject is not None and ("id:" + person[0], subject.pk) not in excluded:
                name, ident = _shown(subject)
                candidates.append(Candidate(subject.pk, name, ident, subject.kind, 100, "身份证号码一致"))
            elif subject is None:
                messages[position].append("平台上没有该身份证号码对应的自然人")
        uscc = usccs.get(position)
        if uscc is not None:
            subject = by_uscc.get(uscc)
            if subject is None:
                messages[position].append(f"统一社会信用代码“{uscc}”未在平台登记，已按名称匹配")
            elif ("uscc:" + uscc, subject.pk) not in excluded:
                reason = "统一社会信用代码一致"
                parts = names.get(position)
                if parts is not None:
                    agreement = score_names(parts, parse_name(subject.name))
                    if agreement.value < MATCH_SCORE:
                        reason += f"；但所填名称与登记名称“{subject.name}”不一致"
                candidates.append(Candidate(subject.pk, subject.name, subject.uscc or "", subject.kind, 100, reason))
        if not candidates and position in best_names:
            for sid, score in best_names[position]:
                shown = orgs.get(sid)
                if shown is not None:
                    candidates.append(Candidate(sid, shown[0], shown[1], SubjectKind.ORG, score.value, score.reason))
            candidates = candidates[:MAX_SHOWN]
            if len(candidates) > 1 and candidates[0].score == candidates[1].score:
                ambiguous.add(position)
                messages[position].append("有多个主体与该名称同样相近，请人工核对")
        if not row_keys and not messages[position]:
            messages[position].append("该行没有名称、统一社会信用代码或身份证号码")
        outcome = _outcome(candidates)
        if position in ambiguous and outcome == Outcome.MATCHED:
            outcome = Outcome.POSSIBLE
        if (not candidates and row.problems) or (not candidates and not row_keys):
            outcome = Outcome.INVALID
        input_name = row.name
        if row.id_number and input_name:
            input_name = mask_person_name(input_name)
        results.append(
            RowResult(
                number=row.number,
                input_name=input_name[:200],
                input_code=shown_code.get(position, "")[:40],
                input_key=row_keys[0] if row_keys else "",
                alt_keys=row_keys[1:],
                outcome=outcome,
                message="；".join(messages[position]),
                candidates=candidates,
            )
        )
    times.scoring += time.monotonic() - started

    if with_status:
        attach_standings(results, on=on, business_type=business_type, times=times)
    return results


def attach_standings(
    results: list[RowResult], *, on: dt.date, business_type: str | None, times: PhaseTimes | None = None
) -> list[RowResult]:
    """Lists and measures, in one call, for the candidates a person acts on: each row's best one
    when it is a match or a possible match, and any other scoring as a match (a tie)."""
    started = time.monotonic()
    wanted = [
        c
        for r in results
        for n, c in enumerate(r.candidates)
        if (n == 0 and c.score >= POSSIBLE_SCORE) or c.score >= MATCH_SCORE
    ]
    for candidate in wanted:
        candidate.standing = True
    ids = sorted({c.subject_id for c in wanted})
    standing = standings(ids, on=on, business_type=business_type)
    for candidate in wanted:
        found = standing.get(candidate.subject_id)
        if found is not None:
            candidate.lists = list(found.lists)
            candidate.measures = list(found.measures)
    if times is not None:
        times.status += time.monotonic() - started
    return results


def _standings_in_thread(
    results: list[RowResult], on: dt.date, business_type: str | None
) -> tuple[list[RowResult], float]:
    started = time.monotonic()
    try:
        attach_standings(results, on=on, business_type=business_type)
    finally:
        connection.close()  # this thread's own connection
    return results, time.monotonic() - started


def parallel_status_possible() -> bool:
    """Status lookups may run on other connections: PostgreSQL, outside a transaction (inside
    one, another connection would not see its rows)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def screen_in_chunks(
    rows: Sequence[InputRow],
    *,
    index: NameIndex,
    organisation_id: int | None,
    on: dt.date,
    business_type: str | None = None,
    chunk_rows: int = 1000,
    times: PhaseTimes | None = None,
    parallel: bool | None = None,
) -> Iterator[list[RowResult]]:
    """`screen_rows` over chunks of `rows`, yielding each chunk's results in order.

    The status lookup reads records from disk and waits on it, while matching keeps a core busy:
    with `parallel` (default: when `parallel_status_possible()`), each chunk's status lookup runs
    on one of STATUS_THREADS threads (each with its own database connection) while the next
    chunks are matched. `times.status` then counts the time spent waiting for them.
    """
    times = times if times is not None else PhaseTimes()
    chunks = [rows[start : start + chunk_rows] for start in range(0, len(rows), chunk_rows)]
    if not (parallel_status_possible() if parallel is None else parallel):
        for chunk in chunks:
            yield screen_rows(
                chunk, index=index, organisation_id=organisation_id, on=on, business_type=business_type, times=times
            )
        return
    with ThreadPoolExecutor(max_workers=STATUS_THREADS, thread_name_prefix="screening-status") as pool:
        pending: deque[Future[tuple[list[RowResult], float]]] = deque()
        for chunk in chunks:
            matched = screen_rows(
                chunk,
                index=index,
                organisation_id=organisation_id,
                on=on,
                business_type=business_type,
                times=times,
                with_status=False,
            )
            pending.append(pool.submit(_standings_in_thread, matched, on, business_type or None))
            while pending and (len(pending) > STATUS_THREADS or pending[0].done()):
                yield _wait(pending.popleft(), times)
        while pending:
            yield _wait(pending.popleft(), times)


def _wait(future: Future[tuple[list[RowResult], float]], times: PhaseTimes) -> list[RowResult]:
    started = time.monotonic()
    results, _seconds = future.result()
    times.status += time.monotonic() - started
    return results
