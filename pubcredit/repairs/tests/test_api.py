"""POST /api/v1/repairs and GET /api/v1/repairs/{id}."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from pubcredit.accounts.tests.factories import ApiClientFactory, SubjectAccountFactory
from pubcredit.repairs.models import RepairApplication
from pubcredit.repairs.tests.conftest import at, proof

TODAY = dt.date(2026, 11, 20)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_subject_applies_through_the_api(pack, applicant, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 6, 15))
    client = signed_in(applicant)
    with pack("xian"), at(TODAY):
        response = client.post(
            "/api/v1/repairs",
            {"record": record.pk, "ground": "已缴清罚款", "commitment_signed": "true", "proofs": [proof()]},
        )
        assert response.status_code == 201, response.json()["message"]
        body = response.json()
        application = RepairApplication.objects.get()
        assert body["number"] == application.number and body["state"] == "submitted"
        assert (body["decision_due_on"], body["proofs"]) == ("2026-12-11", ["缴款凭证.pdf"])
        assert "西安 第三十二条" in body["decision_due_basis"]
        # The same session a moment later (a session is signed out 8 hours after sign-in).
        detail = client.get(f"/api/v1/repairs/{application.pk}")
        assert detail.status_code == 200 and detail.json()["id"] == application.pk


def test_an_ineligible_application_lists_the_reasons_and_the_date(pack, applicant, bad_record):
    record = bad_record(tier="severe", decided_on=dt.date(2026, 5, 10))
    with pack("xian"), at(TODAY):
        response = signed_in(applicant).post(
            "/api/v1/repairs",
            {"record": record.pk, "ground": "已缴清罚款", "commitment_signed": "true", "proofs": [proof()]},
        )
    assert response.status_code == 400
    body = response.json()
    assert body["eligible_from"] == "2027-05-11" and body["field"] == "record"
    assert "至 2027-05-10 届满" in body["reasons"][0] and "严重失信信息" in body["message"]
    assert "\\u" not in response.content.decode()


def test_bad_input_and_other_subjects(pack, applicant, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 6, 15))
    with pack("xian"), at(TODAY):
        blank = signed_in(applicant).post(
            "/api/v1/repairs", {"record": record.pk, "ground": " ", "commitment_signed": "true", "proofs": [proof()]}
        )
        assert blank.status_code == 400 and blank.json()["field"] == "ground"
        bad_intent = signed_in(applicant).post(
            "/api/v1/repairs", {"record": record.pk, "ground": "x", "intentional": "maybe", "proofs": [proof()]}
        )
        assert bad_intent.status_code == 400 and bad_intent.json()["field"] == "intentional"
        stranger = signed_in(SubjectAccountFactory.create()).post(
            "/api/v1/repairs", {"record": record.pk, "ground": "x", "commitment_signed": "true", "proofs": [proof()]}
        )
        assert stranger.status_code == 404
        assert Client().post("/api/v1/repairs", {"record": record.pk, "ground": "x"}).status_code == 401
    assert not RepairApplication.objects.exists()


def test_the_provider_system_reads_its_applications_and_others_do_not(pack, applicant, provider, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 6, 15))
    with pack("xian"), at(TODAY):
        signed_in(applicant).post(
            "/api/v1/repairs",
            {"record": record.pk, "ground": "已缴清", "commitment_signed": "true", "proofs": [proof()]},
        )
    application = RepairApplication.objects.get()
    own = ApiClientFactory.create(organisation=provider, scopes=["collect"])
    other = ApiClientFactory.create(scopes=["collect"])
    url = f"/api/v1/repairs/{application.pk}"
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {own.plain_token}").status_code == 200
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {other.plain_token}").status_code == 404
    assert signed_in(SubjectAccountFactory.create()).get(url).status_code == 404


def test_only_subject_accounts_apply(pack, clerk, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 6, 15))
    with pack("xian"), at(TODAY):
        response = signed_in(clerk).post(
            "/api/v1/repairs", {"record": record.pk, "ground": "x", "commitment_signed": "true", "proofs": [proof()]}
        )
    assert response.status_code == 403 and "只有信用主体账号" in response.json()["message"]


def test_the_provider_system_decides_and_others_cannot(pack, applicant, provider, bad_record):
    record = bad_record(tier="general", decided_on=dt.date(2026, 6, 15))
    with pack("xian"), at(TODAY):
        signed_in(applicant).post(
            "/api/v1/repairs",
            {"record": record.pk, "ground": "已缴清", "commitment_signed": "true", "proofs": [proof()]},
        )
        application = RepairApplication.objects.get()
        url = f"/api/v1/repairs/{application.pk}/decision"
        own = ApiClientFactory.create(organisation=provider, scopes=["collect"])
        other = ApiClientFactory.create(scopes=["collect"])
        refused = Client().post(
            url, '{"accept": true}', content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other.plain_token}"
        )
        assert refused.status_code == 404
        no_reason = Client().post(
            url, '{"accept": false}', content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {own.plain_token}"
        )
        assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
        done = Client().post(
            url,
            '{"accept": true, "reason": "整改到位"}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {own.plain_token}",
        )
    assert done.status_code == 200 and done.json()["state"] == "accepted"
    application.refresh_from_db()
    assert application.decided_by is None and application.decided_by_label == own.name


def test_the_openapi_schema_describes_the_repair_endpoints(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/repairs", "/api/v1/repairs/{application_id}", "/api/v1/repairs/{application_id}/decision"} <= set(
        paths
    )
    form = paths["/api/v1/repairs"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"record", "ground", "proofs"} <= set(form["properties"])
