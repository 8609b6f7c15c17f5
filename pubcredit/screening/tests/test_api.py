"""The screening API: submit a list, read the job and its results, download the XLSX, mark and
unmark a false match; a department's system calls it with a `check` token."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ApiClientFactory, ConsumerClerkFactory, ConsumerOrganisationFactory
from pubcredit.screening.tests.conftest import csv_bytes, xlsx_bytes
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(rows: list[list[str]], name: str = "名单.xlsx") -> SimpleUploadedFile:
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_consumer_screens_a_list_through_the_api(clerk: User) -> None:
    firm = OrgSubjectFactory.create(name="西安华信科技有限公司")
    client = signed_in(clerk)
    response = client.post(
        "/api/v1/screenings",
        {"file": upload([["名称"], ["华信科技（西安）有限公司"], ["无此单位"]]), "business_type": "政府采购"},
    )
    assert response.status_code == 201, response.json()
    job = response.json()
    assert (job["state"], job["processed_rows"], job["matched_rows"], job["business_type"]) == (
        "done",
        2,
        1,
        "procurement",
    )

    detail = client.get(f"/api/v1/screenings/{job['id']}", {"page_size": 1})
    assert detail.status_code == 200
    body = detail.json()
    assert [r["row_number"] for r in body["results"]] == [2]
    best = body["results"][0]["candidates"][0]
    assert (best["subject_id"], best["score"], best["false_match"]) == (firm.pk, 100, None)
    assert body["results"][0]["outcome_label"] == "匹配"
    assert (
        client.get(f"/api/v1/screenings/{job['id']}", {"page": 2, "page_size": 1}).json()["results"][0]["outcome"]
        == "none"
    )

    sheet = client.get(f"/api/v1/screenings/{job['id']}/xlsx")
    assert sheet.status_code == 200 and sheet["Content-Disposition"].endswith('.xlsx"')
    assert load_workbook(io.BytesIO(sheet.content)).active is not None

    marked = client.post(
        f"/api/v1/screenings/{job['id']}/false-matches",
        {"row_number": 2, "subject_id": firm.pk},
        content_type="application/json",
    )
    assert marked.status_code == 201, marked.json()
    again = client.get(f"/api/v1/screenings/{job['id']}").json()["results"][0]
    assert again["candidates"][0]["false_match"] == marked.json()["id"] and again["outcome"] == "none"
    undone = client.delete(f"/api/v1/screenings/false-matches/{marked.json()['id']}")
    assert undone.status_code == 200 and undone.json()["undone_at"]


def test_bad_input_is_refused_in_chinese(clerk: User) -> None:
    client = signed_in(clerk)
    refused = client.post("/api/v1/screenings", {"file": upload([["投标人"], ["x"]])})
    assert refused.status_code == 400 and "“投标人”" in refused.json()["message"]
    wrong_kind = client.post("/api/v1/screenings", {"file": upload([["名称"], ["x"]]), "business_type": "买菜"})
    assert wrong_kind.status_code == 400 and wrong_kind.json()["field"] == "business_type"
    old_excel = client.post("/api/v1/screenings", {"file": SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0")})
    assert old_excel.status_code == 400 and ".xls" in old_excel.json()["message"]


def test_a_token_with_the_check_scope_submits_and_another_organisation_gets_404(clerk: User) -> None:
    own = ApiClientFactory.create(organisation=clerk.organisation, scopes=["check"])
    response = Client().post(
        "/api/v1/screenings",
        {"file": upload([["名称"], ["x"]], "a.csv")},
        HTTP_AUTHORIZATION=f"Bearer {own.plain_token}",
    )
    assert response.status_code == 201, response.json()
    job_id = response.json()["id"]
    assert signed_in(clerk).get(f"/api/v1/screenings/{job_id}").status_code == 200

    other_org = ConsumerOrganisationFactory.create()
    other = ApiClientFactory.create(organisation=other_org, scopes=["check"])
    assert (
        Client().get(f"/api/v1/screenings/{job_id}", HTTP_AUTHORIZATION=f"Bearer {other.plain_token}").status_code
        == 404
    )
    assert signed_in(ConsumerClerkFactory.create()).get(f"/api/v1/screenings/{job_id}/xlsx").status_code == 404
    wrong_scope = ApiClientFactory.create(organisation=clerk.organisation, scopes=["collect"])
    assert (
        Client().get(f"/api/v1/screenings/{job_id}", HTTP_AUTHORIZATION=f"Bearer {wrong_scope.plain_token}").status_code
        == 403
    )
    assert Client().get(f"/api/v1/screenings/{job_id}").status_code == 401
