"""Farmer rating pages through the test client: who may open what, a refused proposal, the
public notice with masked names only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pubcredit.core.models import AuditEvent
from pubcredit.evaluation.models import FarmerRating
from pubcredit.evaluation.services import farmer_rating_propose, farmer_rating_publicise, farmer_rating_review
from pubcredit.evaluation.tests.conftest import ALL_MET, Groups, at
from pubcredit.subjects.tests.factories import PersonSubjectFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 9, 28)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def published(groups: Groups) -> FarmerRating:
    person = PersonSubjectFactory.create(name="李秀英")
    rating = farmer_rating_propose(
        actor=groups.villager,
        village=groups.village,
        id_number=person.plain_id_number,
        grade="good",
        note="经营正常",
        attested=ALL_MET,
    )
    farmer_rating_review(actor=groups.townsman, rating=rating, grade="good", note="同意")
    return farmer_rating_publicise(actor=groups.townsman, rating=rating)


def test_pages_by_group(groups: Groups, xian: str) -> None:
    with at(DAY):
        rating = published(groups)
        villager, townsman, outsider = (client_for(u) for u in (groups.villager, groups.townsman, groups.outsider))
        assert villager.get("/evaluation/farmers/").url == "/evaluation/farmers/village/"  # type: ignore[attr-defined]
        assert townsman.get("/evaluation/farmers/").url == "/evaluation/farmers/town/"  # type: ignore[attr-defined]
        assert outsider.get("/evaluation/farmers/").status_code == 403
        assert outsider.get("/evaluation/farmers/village/").status_code == 403
        assert villager.get("/evaluation/farmers/town/").status_code == 403
        assert Client().get("/evaluation/farmers/village/").status_code == 302  # to the login page
        page = townsman.get(f"/evaluation/farmers/{rating.pk}/")
        assert page.status_code == 200
        assert "李**" in page.content.decode() and "李秀英" not in page.content.decode()
        read = AuditEvent.objects.filter(action="evaluation.farmer_rating.read").get()
        assert read.data["number"] == rating.number
        assert outsider.get(f"/evaluation/farmers/{rating.pk}/").status_code == 404
        # A village member may not confirm or publicise: refused by the service, nothing changes.
        assert villager.post(f"/evaluation/farmers/{rating.pk}/confirm/").status_code == 403
        rating.refresh_from_db()
        assert rating.state == "publicised"


def test_a_refused_proposal_names_the_condition_and_stores_nothing(groups: Groups, xian: str) -> None:
    person = PersonSubjectFactory.create()
    with at(DAY):
        answer = client_for(groups.villager).post(
            "/evaluation/farmers/village/",
            {
                "village": groups.village.pk,
                "id_number": person.plain_id_number,
                "grade": "excellent",
                "note": "经营正常",
                "cond_registered_in_xian": "on",
            },
        )
    assert answer.status_code == 400
    assert "未确认“具有完全民事行为能力”" in answer.content.decode()
    assert not FarmerRating.objects.exists()


def test_the_public_notice_shows_masked_names(groups: Groups, xian: str) -> None:
    with at(DAY):
        published(groups)
        notice = Client().get(f"/evaluation/farmers/notice/{groups.village.pk}/")
    text = notice.content.decode()
    assert notice.status_code == 200
    assert "李**" in text and "李秀英" not in text
    assert "2026-09-28 至 2026-10-10" in text
    assert Client().get(f"/evaluation/farmers/notice/{groups.town.pk}/").status_code == 404
