"""Reads of batch screening: a job and its results are visible to the users of the organisation
that submitted it and to the credit centre and auditors (read); to anyone else a job does not
exist (404), so that ids reveal nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pubcredit.accounts.actors import actor_may, is_superuser
from pubcredit.accounts.models import ApiClient, User
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.screening.models import FalseMatch, Outcome, ScreeningJob, ScreeningRow

_OVERSIGHT = (Role.OPERATOR, Role.AUDITOR)


def user_oversees_screenings(actor: Any) -> bool:
    return is_superuser(actor) or (isinstance(actor, User) and actor.is_active and actor_may(actor, *_OVERSIGHT))


def _organisation_of(actor: Any) -> int | None:
    if isinstance(actor, User) and actor.is_active and actor.organisation_id is not None:
        return int(actor.organisation_id)
    if isinstance(actor, ApiClient) and actor.active and actor.has_scope("check"):
        return int(actor.organisation_id)
    return None


def user_may_screen(actor: Any) -> bool:
    """Whether the actor may submit lists: a consumer department or the credit centre, with an
    organisation the jobs belong to (an API client needs the `check` scope)."""
    return _organisation_of(actor) is not None and actor_may(actor, Role.CONSUMER, Role.OPERATOR, scope="check")


def user_may_mark(actor: Any, job: ScreeningJob) -> bool:
    """A reviewer of the job's organisation, or the credit centre (auditors only read)."""
    if is_superuser(actor):
        return True
    if actor_may(actor, Role.OPERATOR, scope="check"):
        return True
    return user_may_screen(actor) and _organisation_of(actor) == job.organisation_id


def screenings_visible_to(actor: Any) -> QuerySet[ScreeningJob]:
    jobs = ScreeningJob.objects.select_related("organisation").defer("content")
    if user_oversees_screenings(actor):
        return jobs.all()
    organisation_id = _organisation_of(actor)
    if organisation_id is None:
        return jobs.none()
    return jobs.filter(organisation_id=organisation_id)


def screening_get(actor: Any, pk: int) -> ScreeningJob:
    found = screenings_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"批量筛查任务 {pk} 不存在或您无权查看", field="job")
    return found


def screenings_of_organisation(actor: Any, *, limit: int = 100) -> list[ScreeningJob]:
    """The jobs of the actor's organisation (the credit centre: every organisation's), newest first."""
    return list(screenings_visible_to(actor).order_by("-created_at", "-id")[:limit])


def screening_rows(job: ScreeningJob) -> QuerySet[ScreeningRow]:
    return ScreeningRow.objects.filter(job=job).order_by("row_number")


def screening_row_get(job: ScreeningJob, row_number: int) -> ScreeningRow:
    found = screening_rows(job).filter(row_number=row_number).first()
    if found is None:
        raise NotFound(f"批量筛查任务 {job.pk} 没有第 {row_number} 行的结果", field="row")
    return found


def false_marks_for(job: ScreeningJob, rows: list[ScreeningRow]) -> dict[tuple[str, int], FalseMatch]:
    """The organisation's active marks on the keys of `rows`, by (input key, subject id)."""
    keys = {row.input_key for row in rows if row.input_key} | {k for row in rows for k in row.alt_keys}
    if not keys:
        return {}
    marks = FalseMatch.objects.filter(organisation_id=job.organisation_id, input_key__in=keys, undone_at__isnull=True)
    return {(mark.input_key, mark.subject_id): mark for mark in marks}


def false_match_get(actor: Any, pk: int) -> FalseMatch:
    mark = FalseMatch.objects.filter(pk=pk).first()
    if mark is None:
        raise NotFound(f"误匹配标记 {pk} 不存在或您无权查看", field="mark")
    if not user_oversees_screenings(actor) and _organisation_of(actor) != mark.organisation_id:
        raise NotFound(f"误匹配标记 {pk} 不存在或您无权查看", field="mark")
    return mark


def row_view(row: ScreeningRow, marks: dict[tuple[str, int], FalseMatch]) -> dict[str, Any]:
    """A stored row as shown: each candidate with the id of its active false-match mark (or None),
    and the outcome once marked candidates are left out."""
    from pubcredit.screening.matching import shown_outcome

    keys = [row.input_key, *row.alt_keys]
    candidates = []
    for candidate in row.candidates:
        mark = next((marks[(k, candidate["subject_id"])] for k in keys if (k, candidate["subject_id"]) in marks), None)
        candidates.append({**candidate, "false_match": mark.pk if mark is not None else None})
    shown = [c for c in candidates if c["false_match"] is None]
    outcome = shown_outcome(row, shown)
    return {
        "row_number": row.row_number,
        "input_name": row.input_name,
        "input_code": row.input_code,
        "outcome": outcome,
        "outcome_label": dict(Outcome.choices)[outcome],
        "message": row.message,
        "candidates": candidates,
    }
