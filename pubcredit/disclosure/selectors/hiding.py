"""Reads of hide requests, for the subject's own record page."""

from __future__ import annotations

from django.utils import timezone

from pubcredit.disclosure import rules
from pubcredit.disclosure.models.outcomes import HideRequest, HideState
from pubcredit.policy import get_policy
from pubcredit.subjects.models import Subject


def hide_requests_by_record(subject: Subject) -> dict[int, HideRequest]:
    """The subject's live (not cancelled) hide requests, by record id."""
    rows = HideRequest.objects.filter(subject=subject).exclude(state=HideState.CANCELLED)
    return {row.record_id: row for row in rows}


def hiding_allowed() -> tuple[bool, str]:
    """Whether the pack in force today lets a subject hide its good information, and the article."""
    policy = get_policy(on=timezone.localdate())
    return rules.hiding_applies(policy), policy.param(rules.HIDE_GOOD_KEY).article
