"""The authorised-query and sharing API over HTTP: bearer tokens with the right scope, subjects in
the JSON body, only the granted or agreed items in the answer, refusals as 403 with their code."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from pubcredit.accounts.models import ApiClient, User
from pubcredit.accounts.tests.factories import ApiClientFactory, OperatorFactory, PersonSubjectAccountFactory
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.services.authorisations import authorisation_grant
from pubcredit.disclosure.services.sharing import sharing_agreement_approve, sharing_agreement_create
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.tests.test_access_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.disclosure.tests.test_access_fixtures import PURPOSE, Scene, grant
from pubcredit.subjects.tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def post(path: str, caller: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """`caller` is an ApiClient from the factory, which keeps its bearer token as `plain_token`."""
    response = Client().post(
        f"/api/v1/{path}",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {caller.plain_token}",
    )
    return response.status_code, response.json()


def test_authorised_query_answers_the_granted_items(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    status, body = post(
        "authorised-queries",
        scene.client,
        {"uscc": scene.subject.uscc, "authorisation_id": authorisation.pk, "purpose": PURPOSE},
    )
    assert status == 200, body
    assert body["items"] == [scene.granted_code]
    assert [r["id"] for r in body["subject"]["records"]] == [scene.granted.pk]
    assert body["subject"]["records"][0]["item_code"] == scene.granted_code
    assert QueryLogEntry.objects.get(pk=body["query_log_id"]).outcome == "shown"


def test_a_person_is_named_in_the_body_and_shown_masked(scene: Scene, today: dt.date) -> None:
    person_account: User = PersonSubjectAccountFactory.create()
    person = person_account.subject
    assert person is not None
    make_record(person, openness="restricted", info_class="supervision", kind="bad")
    authorisation = authorisation_grant(
        actor=person_account,
        requester_organisation=scene.bank,
        item_codes=[scene.granted_code],
        purpose=PURPOSE,
        valid_from=today,
        valid_until=today,
    )
    plain = person.plain_id_number  # type: ignore[attr-defined]
    status, body = post(
        "authorised-queries",
        scene.client,
        {"id_number": plain, "authorisation_id": authorisation.pk, "purpose": PURPOSE},
    )
    assert status == 200, body
    assert body["subject"]["identifier"] == person.id_number_masked
    assert plain not in json.dumps(body, ensure_ascii=False)
    assert len(body["subject"]["records"]) == 1


def test_refusals_are_403_with_their_code_and_never_echo_an_id_number(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    status, body = post(
        "authorised-queries",
        scene.client,
        {"uscc": scene.subject.uscc, "authorisation_id": authorisation.pk, "purpose": "营销"},
    )
    assert (status, body["code"]) == (403, "beyond_purpose")
    assert "大连 第十二条" in body["message"]
    status, body = post(
        "authorised-queries",
        scene.client,
        {"id_number": "610103197001010000", "authorisation_id": authorisation.pk, "purpose": PURPOSE},
    )
    assert status == 404 and "610103197001010000" not in body["message"]
    status, body = post("authorised-queries", scene.client, {"uscc": scene.subject.uscc})
    assert status == 400 and body["field"] in ("authorisation_id", "purpose")


def test_the_authorised_query_needs_the_query_scope(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    wrong: ApiClient = ApiClientFactory.create(organisation=scene.bank, scopes=["share"])
    status, body = post(
        "authorised-queries",
        wrong,
        {"uscc": scene.subject.uscc, "authorisation_id": authorisation.pk, "purpose": PURPOSE},
    )
    assert status == 403 and "query" in body["message"]


def _agreement(scene: Scene, today: dt.date) -> int:
    operator = OperatorFactory.create()
    scene.bank.is_consumer = True
    scene.bank.save()
    created = sharing_agreement_create(
        actor=operator,
        consumer=scene.bank,
        item_codes=[scene.granted_code],
        purpose="行政许可审查",
        legal_basis="西安 第二十条",
        valid_from=today,
        valid_until=today + dt.timedelta(days=10),
    )
    return sharing_agreement_approve(actor=operator, agreement=created).pk


def test_sharing_query_and_batch_answer_only_the_agreed_items(scene: Scene, today: dt.date) -> None:
    agreement_id = _agreement(scene, today)
    consumer: ApiClient = ApiClientFactory.create(organisation=scene.bank, scopes=["share"])
    status, body = post("sharing/query", consumer, {"agreement_id": agreement_id, "uscc": scene.subject.uscc})
    assert status == 200, body
    assert body["items"] == [scene.granted_code]
    assert [r["item_code"] for r in body["subjects"][0]["records"]] == [scene.granted_code]
    unknown = make_uscc(9_999_999, region="610400")
    status, body = post(
        "sharing/batch", consumer, {"agreement_id": agreement_id, "usccs": [scene.subject.uscc, unknown]}
    )
    assert status == 200, body
    assert [s["subject_id"] for s in body["subjects"]] == [scene.subject.pk]
    assert body["not_found"] == [unknown]


def test_sharing_refuses_more_than_10000_subjects_and_the_wrong_scope(scene: Scene, today: dt.date) -> None:
    agreement_id = _agreement(scene, today)
    consumer: ApiClient = ApiClientFactory.create(organisation=scene.bank, scopes=["share"])
    usccs = [make_uscc(n, region="610500") for n in range(10_001)]
    status, body = post("sharing/batch", consumer, {"agreement_id": agreement_id, "usccs": usccs})
    assert status == 400
    assert "最多 10000 个信息主体" in body["message"] and body["field"] == "subjects"
    status, body = post("sharing/query", scene.client, {"agreement_id": agreement_id, "uscc": scene.subject.uscc})
    assert status == 403 and "share" in body["message"]


def test_an_unknown_token_is_refused_before_anything_is_read(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    response = Client().post(
        "/api/v1/authorised-queries",
        data=json.dumps({"uscc": scene.subject.uscc, "authorisation_id": authorisation.pk, "purpose": PURPOSE}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer pc_" + "x" * 40,
    )
    assert response.status_code == 401
    assert not QueryLogEntry.objects.exists()
