"""The one place batch screening asks for list status and measures (`pubcredit.measures`).

`standings(subject_ids, on=..., business_type=...)` returns, per subject, the Chinese labels of
its list entries in force and of the measures that apply (mandatory first); a subject on no list
has an empty `Standing`. The business types are the measures app's `BusinessType` choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pubcredit.measures.models import BusinessType
from pubcredit.measures.selectors import Standing, standings_for_subjects

# The business types a consumer may name on an upload (the measures that apply depend on it).
SCREENING_BUSINESS_TYPES: tuple[str, ...] = (
    BusinessType.PROCUREMENT,
    BusinessType.LICENSING,
    BusinessType.FUNDING,
    BusinessType.HONOURS,
    BusinessType.TENDERING,
)
BUSINESS_TYPE_CHOICES: list[tuple[str, str]] = [(str(v), BusinessType(v).label) for v in SCREENING_BUSINESS_TYPES]

__all__ = ["BUSINESS_TYPE_CHOICES", "SCREENING_BUSINESS_TYPES", "Standing", "business_type_label", "standings"]


def business_type_label(value: str | None) -> str:
    return BusinessType(value).label if value in BusinessType.values else ""


def standings(subject_ids: Sequence[int], *, on: dt.date, business_type: str | None = None) -> dict[int, Standing]:
    """Each subject's standing on `on`; subjects without an entry get an empty `Standing`."""
    if not subject_ids:
        return {}
    found = standings_for_subjects(list(subject_ids), on=on, business_type=business_type or None)
    return {subject_id: found.get(subject_id, Standing()) for subject_id in subject_ids}
