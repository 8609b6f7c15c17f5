"""The public record API and the self-query API."""

import pytest
from django.test import Client

from pubcredit.accounts.tests.factories import ApiClientFactory, OperatorFactory, SubjectAccountFactory
from pubcredit.disclosure.api.schemas import SubjectRecordOut
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.records.services import record_annotate

pytestmark = pytest.mark.django_db


def test_public_record_groups_shown_records_with_annotations(today, pack, company):
    shown = make_record(company, data={"CF_XDR_MC": company.name, "INCOME": "100"})
    make_record(company, openness="restricted")
    good = make_record(company, info_class="commendation", kind="good")
    operator = OperatorFactory.create()
    record_annotate(actor=operator, record=shown, kind="objection", text="主体提出异议")
    with pack("nantong"):
        response = Client().get(f"/api/v1/subjects/{company.uscc}/record")
    assert response.status_code == 200
    body = response.json()
    assert body["subject"]["uscc"] == company.uscc
    groups = [(g["kind"], g["info_class"], [r["id"] for r in g["records"]]) for g in body["groups"]]
    assert groups == [("good", "commendation", [good.pk]), ("bad", "supervision", [shown.pk])]
    assert body["groups"][1]["records"][0]["annotations"] == ["异议处理中"]
    assert body["groups"][1]["records"][0]["explain"] is None
    assert body["groups"][1]["records"][0]["fields"] == [
        {"name": "CF_XDR_MC", "label": "行政相对人名称", "value": company.name}
    ]  # the consent-only value is not public
    assert "\\u" not in response.content.decode()
    SubjectRecordOut.model_validate(body)  # the answer has the documented shape
    assert not QueryLogEntry.objects.exists()  # public information: no log entry


def test_unknown_uscc_is_404_in_chinese(db):
    response = Client().get("/api/v1/subjects/91610100MA00000000/record")
    assert response.status_code == 404
    assert "没有对应的信用主体" in response.json()["message"]


def test_public_record_query_count_does_not_grow_with_records(today, company, django_assert_max_num_queries):
    for _ in range(12):
        make_record(company)
    with django_assert_max_num_queries(2):
        response = Client().get(f"/api/v1/subjects/{company.uscc}/record")
    assert sum(len(g["records"]) for g in response.json()["groups"]) == 12


def test_explain_only_for_operators(today, company):
    make_record(company)
    url = f"/api/v1/subjects/{company.uscc}/record?explain=1&reason_kind=supervision&reason=年度监督检查抽查"
    assert Client().get(url).status_code == 403
    browser = Client()
    browser.force_login(OperatorFactory.create())
    body = browser.get(url).json()
    SubjectRecordOut.model_validate(body)
    record = body["groups"][0]["records"][0]
    assert "record.disclosure_ends_on" in [reason["key"] for reason in record["explain"]]


def test_self_query_shows_non_public_records_and_logs_the_look(today, pack):
    account = SubjectAccountFactory.create()
    make_record(account.subject)
    restricted = make_record(account.subject, openness="restricted")
    browser = Client()
    browser.force_login(account)
    body = browser.get("/api/v1/me/record").json()
    ids = [r["id"] for g in body["groups"] for r in g["records"]]
    assert restricted.pk in ids and len(ids) == 2
    entry = QueryLogEntry.objects.get()
    assert (entry.subject_id, entry.viewer_kind, entry.user_id) == (account.subject_id, "subject", account.pk)


def test_self_query_by_token_of_the_subjects_own_organisation(today, company):
    make_record(company, openness="restricted")
    client = ApiClientFactory.create(scopes=["query"], organisation__uscc=company.uscc)
    response = Client().get("/api/v1/me/record", headers={"Authorization": f"Bearer {client.plain_token}"})
    assert response.status_code == 200
    assert response.json()["subject"]["id"] == company.pk


def test_self_query_refused_without_a_subject(today):
    browser = Client()
    browser.force_login(OperatorFactory.create())
    response = browser.get("/api/v1/me/record")
    assert response.status_code == 403
    assert Client().get("/api/v1/me/record").status_code == 401


def test_uscc_typed_in_lower_case_or_full_width_finds_the_subject(today, company):
    make_record(company)
    full_width = company.uscc.lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    for typed in (company.uscc.lower(), full_width):
        response = Client().get(f"/api/v1/subjects/{typed}/record")
        assert response.status_code == 200 and response.json()["subject"]["id"] == company.pk
