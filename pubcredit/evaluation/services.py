"""Writes of credit evaluation: score recomputation (`scores.py`) and the 西安 farmer credit
rating workflow (西安市农户信用等级评价办法 三).

The village group (行政村农户信用信息采集和信用等级评价小组) collects and proposes a grade; the
town group (镇（街）农户信用等级评价小组) reviews it and publicises the result in the village for
`farmer_rating.publicity_wd` working days (the end computed once with `deadline_after` and stored);
objections may be recorded during the publicity; after it, the town group confirms the grade. An
objection sends the rating back to the town group, which reviews and publicises it again.

Every write is atomic, permission-checked (membership of the group), allowed by `workflow.py`
and audited; the audit names ratings by number only, never the farmer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_label, audit_identity
from pubcredit.accounts.models import User
from pubcredit.core.audit import audit_record
from pubcredit.core.crypto import mask_id_number
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.workdays import database_calendar, deadline_after
from pubcredit.evaluation.models import (
    FarmerGrade,
    FarmerRating,
    GroupLevel,
    RatingGroup,
    RatingObjection,
    RatingState,
)
from pubcredit.evaluation.rules import PUBLICITY_KEY, farmer_eligibility
from pubcredit.evaluation.scores import mark_dirty, scores_recompute
from pubcredit.evaluation.workflow import require_rating_transition
from pubcredit.policy import get_policy
from pubcredit.records.models import Record, RecordStatus
from pubcredit.subjects.models import SubjectKind
from pubcredit.subjects.selectors import subject_find_by_id_number

__all__ = [
    "farmer_rating_confirm",
    "farmer_rating_object",
    "farmer_rating_open",
    "farmer_rating_propose",
    "farmer_rating_publicise",
    "farmer_rating_review",
    "farmer_rating_withdraw",
    "mark_dirty",
    "scores_recompute",
]

MAX_TEXT = 2000  # platform limit on free text


def _audit(actor: Actor, action: str, rating: FarmerRating, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=rating, data={"number": rating.number, **data, **extra})


def _member(actor: Actor, group: RatingGroup | None, what: str) -> User:
    if not isinstance(actor, User) or not actor.is_active or group is None:
        raise PermissionDenied(f"“{actor_label(actor)}”不是{what}成员，不能办理")
    if not group.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(f"“{actor_label(actor)}”不是{group.name}的成员，不能办理")
    return actor


def _text(value: str, *, field: str, label: str, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationFailed(f"须填写{label}", field=field)
    if len(cleaned) > MAX_TEXT:
        raise ValidationFailed(f"{label}长度 {len(cleaned)} 超过上限 {MAX_TEXT} 个字符", field=field)
    return cleaned


def _grade(value: str, field: str) -> str:
    if value not in FarmerGrade.values:
        labels = "、".join(FarmerGrade.labels)
        raise ValidationFailed(f"信用等级“{value}”无效，须为{labels}之一", field=field)
    return value


def _locked(rating: FarmerRating) -> FarmerRating:
    return (
        FarmerRating.objects.select_for_update(of=("self",))
        .select_related("village", "village__town")
        .get(pk=rating.pk)
    )


def _bad_records_in_period(subject_id: int, on: Any) -> int:
    return (
        Record.objects.filter(subject_id=subject_id, kind="bad", status=RecordStatus.ACTIVE, decided_on__lte=on)
        .filter(Q(disclosure_ends_on__isnull=True) | Q(disclosure_ends_on__gte=on))
        .count()
    )


@transaction.atomic
def farmer_rating_propose(
    *,
    actor: Actor,
    village: RatingGroup,
    id_number: str,
    grade: str,
    note: str,
    attested: Mapping[str, bool],
) -> FarmerRating:
    """The village group proposes a grade for a farmer of its village (三（一）), after checking the
    basic conditions (二)."""
    if village.level != GroupLevel.VILLAGE:
        raise ValidationFailed(f"“{village.name}”不是行政村评价小组，不能提出初评意见", field="village")
    user = _member(actor, village, "行政村农户信用等级评价小组")
    grade = _grade(grade, "grade")
    cleaned = _text(note, field="note", label="初评意见")
    subject = subject_find_by_id_number(id_number or "")
    if subject is None or subject.kind != SubjectKind.PERSON:
        shown = mask_id_number(id_number) if id_number else "（空）"
        raise ValidationFailed(f"身份证号码 {shown} 未登记为信用主体（自然人），请先由信用中心登记", field="id_number")
    today = timezone.localdate()
    eligibility = farmer_eligibility(attested, bad_records_in_period=_bad_records_in_period(subject.pk, today))
    if not eligibility.eligible:
        raise ValidationFailed(
            "不符合农户信用等级评价的基本条件：" + "；".join(eligibility.reasons), field="eligibility"
        )
    rating = FarmerRating(
        subject=subject,
        village=village,
        proposed_grade=grade,
        proposal_note=cleaned,
        eligibility=eligibility.checks,
        proposed_by=user,
        proposed_on=today,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise ValidationFailed("该农户已有正在办理的信用等级评价，请待其办结", field="id_number") from None
    rating.number = f"NH{today:%Y}{rating.pk:06d}"
    rating.save(update_fields=["number"])
    _audit(user, "evaluation.farmer_rating.propose", rating, {"village": village.pk, "grade": grade})
    return rating


@transaction.atomic
def farmer_rating_review(*, actor: Actor, rating: FarmerRating, grade: str, note: str) -> FarmerRating:
    """The town group reviews the village's proposal (三（二）), or reviews again after an objection
    (the objections are then answered by the note)."""
    rating = _locked(rating)
    user = _member(actor, rating.village.town, "镇（街）农户信用等级评价小组")
    number = rating.number or str(rating.pk)
    require_rating_transition(number=number, current=rating.state, target=RatingState.REVIEWED)
    grade = _grade(grade, "grade")
    cleaned = _text(note, field="note", label="复审意见")
    after_objection = rating.state == RatingState.OBJECTED
    if after_objection:
        rating.objections.filter(resolved=False).update(resolved=True, resolution=cleaned)
    rating.state = RatingState.REVIEWED
    rating.reviewed_grade = grade
    rating.review_note = cleaned
    rating.reviewed_by = user
    rating.reviewed_on = timezone.localdate()
    rating.publicity_starts_on = rating.publicity_ends_on = None
    rating.publicity_provisional = False
    rating.publicity_basis = ""
    rating.save()
    _audit(user, "evaluation.farmer_rating.review", rating, {"grade": grade, "after_objection": after_objection})
    return rating


@transaction.atomic
def farmer_rating_publicise(*, actor: Actor, rating: FarmerRating) -> FarmerRating:
    """The town group publicises the reviewed result in the village (三（二）) for
    `farmer_rating.publicity_wd` working days after today (民法典 第二百零一条: today not counted)."""
    rating = _locked(rating)
    user = _member(actor, rating.village.town, "镇（街）农户信用等级评价小组")
    require_rating_transition(
        number=rating.number or str(rating.pk), current=rating.state, target=RatingState.PUBLICISED
    )
    today = timezone.localdate()
    param = get_policy(on=today).param(PUBLICITY_KEY)  # farmer_rating.publicity_wd (西安 办法 三（二）)
    days = param.value
    if not isinstance(days, int):
        raise ValidationFailed(f"政策包未设定公示期（{PUBLICITY_KEY}），不能公示", field="state")
    due = deadline_after(today, days, source=database_calendar())
    rating.state = RatingState.PUBLICISED
    rating.publicity_starts_on = today
    rating.publicity_ends_on = due.date
    rating.publicity_provisional = due.provisional
    rating.publicity_basis = f"{PUBLICITY_KEY} = {days} 个工作日（{param.article}）"[:200]
    rating.save()
    _audit(
        user,
        "evaluation.farmer_rating.publicise",
        rating,
        {"ends_on": due.date.isoformat(), "provisional": due.provisional, "days": days, "article": param.article},
    )
    return rating


@transaction.atomic
def farmer_rating_object(*, actor: Actor, rating: FarmerRating, raised_by_name: str, statement: str) -> RatingObjection:
    """Record an objection raised in the village during the publicity period (by either group)."""
    rating = _locked(rating)
    town = rating.village.town
    village_member = isinstance(actor, User) and rating.village.members.filter(pk=actor.pk).exists()
    user = actor if village_member and isinstance(actor, User) else _member(actor, town, "农户信用等级评价小组")
    number = rating.number or str(rating.pk)
    if rating.state != RatingState.OBJECTED:  # a further objection to an objected rating is recorded too
        require_rating_transition(number=number, current=rating.state, target=RatingState.OBJECTED)
    today = timezone.localdate()
    assert rating.publicity_ends_on is not None  # set when publicised
    if today > rating.publicity_ends_on:
        raise ValidationFailed(
            f"农户信用等级评价 {number} 的公示期已于 {rating.publicity_ends_on.isoformat()} 届满，不能再登记公示异议",
            field="statement",
        )
    objection = RatingObjection.objects.create(
        rating=rating,
        raised_by_name=_text(raised_by_name, field="raised_by_name", label="异议人")[:50],
        statement=_text(statement, field="statement", label="异议内容"),
        received_on=today,
        recorded_by=user,
    )
    rating.state = RatingState.OBJECTED
    rating.save(update_fields=["state"])
    _audit(user, "evaluation.farmer_rating.object", rating, {"objection": objection.pk})
    return objection


@transaction.atomic
def farmer_rating_confirm(*, actor: Actor, rating: FarmerRating) -> FarmerRating:
    """The town group confirms the reviewed grade once the publicity period has passed without an
    open objection."""
    rating = _locked(rating)
    user = _member(actor, rating.village.town, "镇（街）农户信用等级评价小组")
    number = rating.number or str(rating.pk)
    require_rating_transition(number=number, current=rating.state, target=RatingState.CONFIRMED)
    today = timezone.localdate()
    assert rating.publicity_ends_on is not None  # set when publicised
    if today <= rating.publicity_ends_on:
        raise ValidationFailed(
            f"农户信用等级评价 {number} 公示至 {rating.publicity_ends_on.isoformat()}，公示期满后方可确定"
            f"（{rating.publicity_basis}）",
            field="state",
        )
    rating.state = RatingState.CONFIRMED
    rating.final_grade = rating.reviewed_grade
    rating.confirmed_on = today
    rating.save(update_fields=["state", "final_grade", "confirmed_on"])
    _audit(user, "evaluation.farmer_rating.confirm", rating, {"grade": rating.final_grade})
    return rating


@transaction.atomic
def farmer_rating_withdraw(*, actor: Actor, rating: FarmerRating, reason: str) -> FarmerRating:
    """The town group ends a proposal or an objected rating without a grade, with its reason."""
    rating = _locked(rating)
    user = _member(actor, rating.village.town, "镇（街）农户信用等级评价小组")
    require_rating_transition(
        number=rating.number or str(rating.pk), current=rating.state, target=RatingState.WITHDRAWN
    )
    cleaned = _text(reason, field="reason", label="撤回理由")
    rating.objections.filter(resolved=False).update(resolved=True, resolution=cleaned)
    rating.state = RatingState.WITHDRAWN
    rating.review_note = cleaned
    rating.save(update_fields=["state", "review_note"])
    _audit(user, "evaluation.farmer_rating.withdraw", rating, {"reason_length": len(cleaned)})
    return rating


@transaction.atomic
def farmer_rating_open(*, actor: Actor, rating: FarmerRating) -> FarmerRating:
    """A group member opens a rating (personal information not yet public): the read is audited."""
    user, extra = audit_identity(actor)
    audit_record(
        actor=user,
        action="evaluation.farmer_rating.read",
        target=rating,
        data={"number": rating.number, "state": rating.state, **extra},
    )
    return rating
