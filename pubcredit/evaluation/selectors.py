"""Reads of credit evaluation: stored scores and farmer ratings."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pubcredit.evaluation.models import FarmerRating, GroupLevel, RatingGroup, RatingState, Score

SUPERVISION_SCORECARD = "supervision_grade"


def score_of(subject_id: int, scorecard: str) -> Score | None:
    return Score.objects.filter(subject_id=subject_id, scorecard=scorecard).first()


def scores_of_subject(subject_id: int) -> list[Score]:
    return list(Score.objects.filter(subject_id=subject_id).order_by("scorecard"))


def supervision_grade(subject_id: int) -> str | None:
    """The subject's stored supervision grade (A/B/C/D), None when it has not been scored yet."""
    return (
        Score.objects.filter(subject_id=subject_id, scorecard=SUPERVISION_SCORECARD)
        .values_list("grade", flat=True)
        .first()
    )


def groups_of(user: Any, level: str) -> QuerySet[RatingGroup]:
    if not getattr(user, "is_authenticated", False):
        return RatingGroup.objects.none()
    return RatingGroup.objects.filter(level=level, members=user)


def ratings_visible_to(user: Any) -> QuerySet[FarmerRating]:
    """A village group sees its village's ratings, a town group those of its villages."""
    if not getattr(user, "is_authenticated", False):
        return FarmerRating.objects.none()
    villages = groups_of(user, GroupLevel.VILLAGE)
    towns = groups_of(user, GroupLevel.TOWN)
    return FarmerRating.objects.filter(Q(village__in=villages) | Q(village__town__in=towns)).select_related(
        "village", "village__town", "subject"
    )


def ratings_in_publicity(village: RatingGroup) -> QuerySet[FarmerRating]:
    """The notice of a village: ratings publicised there and not yet confirmed."""
    return (
        FarmerRating.objects.filter(village=village, state__in=[RatingState.PUBLICISED, RatingState.OBJECTED])
        .select_related("subject")
        .order_by("publicity_ends_on", "id")
    )
