"""The 西安 farmer credit rating: conditions, the village → town → publicity → confirmation path,
the publicity period in working days across National Day, objections during publicity, and
refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.evaluation.models import FarmerRating, RatingState
from pubcredit.evaluation.rules import farmer_eligibility
from pubcredit.evaluation.services import (
    farmer_rating_confirm,
    farmer_rating_object,
    farmer_rating_propose,
    farmer_rating_publicise,
    farmer_rating_review,
    farmer_rating_withdraw,
)
from pubcredit.evaluation.tests.conftest import ALL_MET, Groups, at
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import PersonSubjectFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 9, 28)  # National Day 1-7 October off, Saturday 10 October worked (调休)


def farmer() -> Subject:
    return PersonSubjectFactory.create()


def propose(groups: Groups, person: Subject, **overrides: object) -> FarmerRating:
    kwargs: dict[str, object] = {
        "actor": groups.villager,
        "village": groups.village,
        "id_number": person.plain_id_number,  # type: ignore[attr-defined]
        "grade": "excellent",
        "note": "家庭种植猕猴桃20亩，经营正常，无欠款",
        "attested": ALL_MET,
    }
    kwargs.update(overrides)
    return farmer_rating_propose(**kwargs)  # type: ignore[arg-type]


def test_conditions_of_the_rule() -> None:
    assert farmer_eligibility(ALL_MET, bad_records_in_period=0).eligible
    missing = farmer_eligibility({**ALL_MET, "able_to_repay": False}, bad_records_in_period=0)
    assert not missing.eligible
    assert missing.reasons == ("未确认“具有按期清偿贷款本息的能力和意愿”（西安市农户信用等级评价办法 二）",)
    conduct = farmer_eligibility(ALL_MET, bad_records_in_period=2)
    assert not conduct.eligible and conduct.checks["good_conduct"] is False
    assert "不良信息 2 条" in conduct.reasons[0]


def test_the_whole_path_with_the_publicity_period_across_national_day(groups: Groups, xian: str) -> None:
    person = farmer()
    with at(MONDAY - dt.timedelta(days=3)):
        rating = propose(groups, person)
    assert rating.state == RatingState.PROPOSED and rating.number == f"NH2026{rating.pk:06d}"
    with at(MONDAY - dt.timedelta(days=1)):
        farmer_rating_review(actor=groups.townsman, rating=rating, grade="good", note="经营规模较小，复审为较好")
    with at(MONDAY):
        rating = farmer_rating_publicise(actor=groups.townsman, rating=rating)
    # 5 working days after Monday 28 September (the day itself not counted): 29, 30 September,
    # 8, 9 October and the make-up working Saturday 10 October.
    assert (rating.publicity_starts_on, rating.publicity_ends_on) == (MONDAY, dt.date(2026, 10, 10))
    assert rating.publicity_basis == "farmer_rating.publicity_wd = 5 个工作日（西安市农户信用等级评价办法 三（二））"
    assert rating.publicity_provisional is False
    with at(dt.date(2026, 10, 10)), pytest.raises(ValidationFailed, match="公示至 2026-10-10，公示期满后方可确定"):
        farmer_rating_confirm(actor=groups.townsman, rating=rating)
    with at(dt.date(2026, 10, 11)):
        rating = farmer_rating_confirm(actor=groups.townsman, rating=rating)
    assert (rating.state, rating.final_grade, rating.confirmed_on) == ("confirmed", "good", dt.date(2026, 10, 11))
    actions = list(
        AuditEvent.objects.filter(action__startswith="evaluation.farmer_rating").values_list("action", flat=True)
    )
    assert actions == [
        "evaluation.farmer_rating.propose",
        "evaluation.farmer_rating.review",
        "evaluation.farmer_rating.publicise",
        "evaluation.farmer_rating.confirm",
    ]


def test_an_objection_on_the_last_day_sends_the_rating_back_for_review(groups: Groups, xian: str) -> None:
    with at(MONDAY):
        rating = propose(groups, farmer())
        farmer_rating_review(actor=groups.townsman, rating=rating, grade="excellent", note="同意初评")
        rating = farmer_rating_publicise(actor=groups.townsman, rating=rating)
    with at(dt.date(2026, 10, 10)):  # the last day of the period, a make-up working Saturday
        objection = farmer_rating_object(
            actor=groups.villager, rating=rating, raised_by_name="王某", statement="该户尚欠合作社农资款未还"
        )
        farmer_rating_object(actor=groups.townsman, rating=rating, raised_by_name="李某", statement="同上")
    rating.refresh_from_db()
    assert rating.state == RatingState.OBJECTED
    assert objection.received_on == dt.date(2026, 10, 10)
    with at(dt.date(2026, 10, 11)), pytest.raises(ValidationFailed, match="不能改为“已确定”"):
        farmer_rating_confirm(actor=groups.townsman, rating=rating)
    with at(dt.date(2026, 10, 12)):
        rating = farmer_rating_review(actor=groups.townsman, rating=rating, grade="fair", note="欠款属实，降为一般")
        assert set(rating.objections.values_list("resolved", "resolution")) == {(True, "欠款属实，降为一般")}
        rating = farmer_rating_publicise(actor=groups.townsman, rating=rating)
    assert rating.publicity_ends_on == dt.date(2026, 10, 19)  # 13, 14, 15, 16, 19 October
    with at(dt.date(2026, 10, 20)):
        rating = farmer_rating_confirm(actor=groups.townsman, rating=rating)
    assert rating.final_grade == "fair"


def test_no_objection_after_the_period(groups: Groups, xian: str) -> None:
    with at(MONDAY):
        rating = propose(groups, farmer())
        farmer_rating_review(actor=groups.townsman, rating=rating, grade="good", note="同意")
        rating = farmer_rating_publicise(actor=groups.townsman, rating=rating)
    with at(dt.date(2026, 10, 11)), pytest.raises(ValidationFailed, match="公示期已于 2026-10-10 届满"):
        farmer_rating_object(actor=groups.villager, rating=rating, raised_by_name="王某", statement="有异议")
    assert not rating.objections.exists()


def test_refusals_change_nothing(groups: Groups, xian: str) -> None:
    person = farmer()
    with at(MONDAY):
        with pytest.raises(PermissionDenied, match="不是鸣犊村农户信用信息采集和信用等级评价小组的成员"):
            propose(groups, person, actor=groups.outsider)
        with pytest.raises(PermissionDenied):
            propose(groups, person, actor=groups.townsman)
        with pytest.raises(ValidationFailed, match="信用等级“AAA”无效") as bad_grade:
            propose(groups, person, grade="AAA")
        assert bad_grade.value.field == "grade"
        with pytest.raises(ValidationFailed, match=r"身份证号码 610103\*{8}\d{3}\w 未登记") as unknown:
            propose(groups, person, id_number="610103199001011237")
        assert "19900101" not in unknown.value.message
        with pytest.raises(ValidationFailed, match="未确认“户籍在西安市辖区内”"):
            propose(groups, person, attested={**ALL_MET, "registered_in_xian": False})
        make_record(person, tier="minor", decided_on=dt.date(2026, 5, 1))
        with pytest.raises(ValidationFailed, match="不良信息 1 条") as conduct:
            propose(groups, person)
        assert conduct.value.field == "eligibility"
        assert not FarmerRating.objects.exists()
        other = farmer()
        rating = propose(groups, other)
        with pytest.raises(ValidationFailed, match="已有正在办理"):
            propose(groups, other)
        with pytest.raises(PermissionDenied):
            farmer_rating_review(actor=groups.villager, rating=rating, grade="good", note="越权复审")
        with pytest.raises(ValidationFailed, match="不能改为“村内公示中”"):
            farmer_rating_publicise(actor=groups.townsman, rating=rating)
        farmer_rating_withdraw(actor=groups.townsman, rating=rating, reason="农户本人申请暂不参评")
    rating.refresh_from_db()
    assert rating.state == RatingState.WITHDRAWN
    assert FarmerRating.objects.count() == 1
