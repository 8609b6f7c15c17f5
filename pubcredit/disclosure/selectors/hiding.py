"""Reads of hide requests, for the subject's own record page."""

from __future__ import annotations

from django.utils import timezone

from pubcredit.disclosure.models.outcomes import HideRequest, HideState
from pubcredit.policy import get_policy
from pubcredit.subjects.models import Subject


def hide_requests_by_record(subject: Subject) -> dict[int, HideRequest]:
    """The subject's live (not cancelled) hide requests, by record id."""
    rows = HideRequest.objects.filter(subject=subject).exclude(state=HideState.CANCELLED)
    return {row.record_id: row for row in rows}


def hiding_allowed() -> tuple[bool, str]:
    """Whether the pack in force today lets a subject hide its good information, and the article."""
    param = get_policy(on=timezone.localdate()).param("disclosure.subject_may_hide_good")
    return param.value in ("withhold", "delete"), param.article
