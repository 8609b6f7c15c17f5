"""The objection pages through Django's test client: each party's page, its actions, its refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pubcredit.core.models import AuditEvent
from pubcredit.objections.models import ItemResult, Objection, ObjectionState
from pubcredit.objections.services import objection_answer, objection_check, objection_close, objection_file
from pubcredit.objections.tests.conftest import EXE, PDF, Parties, evidence, on
from pubcredit.records.models import Record
from pubcredit.subjects.tests.factories import PersonSubjectFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 9, 28)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_applicant_files_with_evidence_and_sees_due_dates(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    client = _client(parties.applicant)
    with on(DAY):
        page = client.get("/objections/new/")
        assert page.status_code == 200 and f"记录 {record.pk}" in page.content.decode()
        response = client.post(
            "/objections/new/",
            {
                "records": [str(record.pk)],
                "ground": "error",
                "statement": "处罚已撤销",
                "evidence": [SimpleUploadedFile("撤销决定.pdf", PDF, content_type="application/pdf")],
            },
        )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.evidence.count() == 1
    with on(DAY):
        detail = client.get(response["Location"]).content.decode()
        assert "2026-09-30" in detail and "2026-10-10" in detail  # check and forward due dates
        assert "暂停披露" in detail and "西安 第三十一条" in detail
        assert "不对社会公开" in detail
        download = client.get(f"/objections/evidence/{objection.evidence.get().pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
        assert AuditEvent.objects.filter(action="objections.evidence.read").count() == 1
        assert objection.number in client.get("/objections/mine/").content.decode()
        # Another subject sees neither the application nor its evidence.
        other = _client(parties.stranger)
        assert other.get(f"/objections/{objection.pk}/").status_code == 404
        assert other.get(f"/objections/evidence/{objection.evidence.get().pk}/").status_code == 404


def test_a_fake_pdf_is_refused_on_the_form(settings: Any, parties: Parties, record_of: Callable[..., Record]) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    with on(DAY):
        response = _client(parties.applicant).post(
            "/objections/new/",
            {
                "records": [str(record.pk)],
                "ground": "error",
                "statement": "说明",
                "evidence": [SimpleUploadedFile("证明.pdf", EXE, content_type="application/pdf")],
            },
        )
    assert response.status_code == 400
    assert "文件头与扩展名" in response.content.decode()
    assert not Objection.objects.exists()


def test_operator_forwards_and_provider_answers_on_pages(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "dalian"
    record = record_of()
    with on(DAY):
        objection = objection_file(
            actor=parties.applicant, records=[record], ground="error", statement="错误", evidence=[evidence()]
        )
        operator = _client(parties.operator)
        desk = operator.get("/objections/desk/").content.decode()
        assert objection.number in desk
        item = objection.items.get()
        response = operator.post(f"/objections/{objection.pk}/check/", {f"action_{item.pk}": "forward"})
        assert response.status_code == 302
        objection.refresh_from_db()
        assert objection.state == ObjectionState.VERIFYING
        clerk = _client(parties.clerk)
        assert objection.number in clerk.get("/objections/provider/").content.decode()
        # A clerk of another department sees nothing of it and cannot answer.
        other = _client(parties.other_clerk)
        assert objection.number not in other.get("/objections/provider/").content.decode()
        assert other.get(f"/objections/{objection.pk}/").status_code == 404
        prefix = f"item{item.pk}"
        response = clerk.post(
            f"/objections/{objection.pk}/items/{item.pk}/answer/",
            {f"{prefix}-answer": "corrected", f"{prefix}-reason": "金额有误", f"{prefix}-values": "CF_NR=罚款5千元"},
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.result == ItemResult.CORRECTED
        record.refresh_from_db()
        assert record.data["CF_NR"] == "罚款5千元"
        response = operator.post(f"/objections/{objection.pk}/close/", {"note": "已书面告知"})
        objection.refresh_from_db()
        assert objection.state == ObjectionState.CLOSED
        detail = _client(parties.applicant).get(f"/objections/{objection.pk}/").content.decode()
        assert "提供单位已更正" in detail


def test_counter_entry_by_the_operator(settings: Any, parties: Parties, record_of: Callable[..., Record]) -> None:
    settings.PUBCREDIT_POLICY = "nantong"
    record = record_of()
    operator = _client(parties.operator)
    with on(DAY):
        found = operator.post("/objections/desk/counter/", {"identifier": parties.subject.uscc})
        assert found.status_code == 302 and found["Location"] == f"/objections/desk/counter/{parties.subject.pk}/"
        page = operator.get(found["Location"])
        assert page.status_code == 200 and f"记录 {record.pk}" in page.content.decode()
        response = operator.post(
            found["Location"],
            {
                "records": [str(record.pk)],
                "ground": "expired",
                "statement": "书面申请",
                "received_on": "2026-09-25",
                "evidence": [evidence("申请书扫描件.pdf")],
            },
        )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.channel == "counter" and objection.applicant is None
    assert objection.entered_by == parties.operator
    assert objection.received_on == dt.date(2026, 9, 25)  # received on the Mid-Autumn day off
    assert objection.check_due_on == dt.date(2026, 10, 9)  # 5 WD: 09-28, 09-29, 09-30, 10-08, 10-09
    with on(DAY):
        detail = operator.get(f"/objections/{objection.pk}/").content.decode()
    assert "公开，标注：异议处理中" in detail  # 南通 第十四条: annotated, still disclosed


def test_counter_finds_a_person_by_id_number_without_putting_it_in_the_url(parties: Parties) -> None:
    person = PersonSubjectFactory.create()
    operator = _client(parties.operator)
    found = operator.post("/objections/desk/counter/", {"identifier": person.plain_id_number})
    assert found.status_code == 302 and found["Location"] == f"/objections/desk/counter/{person.pk}/"
    page = operator.get(found["Location"]).content.decode()
    assert person.plain_id_number not in page and person.id_number_masked in page
    missing = operator.post("/objections/desk/counter/", {"identifier": "91610100MA0000000X"})
    assert missing.status_code == 400 and "未找到" in missing.content.decode()
    assert _client(parties.clerk).get(f"/objections/desk/counter/{person.pk}/").status_code == 403


def test_pages_refuse_the_wrong_roles(parties: Parties, record_of: Callable[..., Record]) -> None:
    applicant = _client(parties.applicant)
    assert applicant.get("/objections/desk/").status_code == 403
    assert applicant.get("/objections/desk/counter/").status_code == 403
    assert applicant.get("/objections/provider/").status_code == 403
    assert applicant.get("/objections/review/").status_code == 403
    assert _client(parties.operator).get("/objections/new/").status_code == 403
    assert _client(parties.authority).get("/objections/review/").status_code == 200
    assert Client().get("/objections/mine/").status_code == 302  # to the login page


def test_applicant_cannot_check_its_own_objection(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    with on(DAY):
        objection = objection_file(actor=parties.applicant, records=[record], ground="error", statement="错误")
        response = _client(parties.applicant).post(f"/objections/{objection.pk}/check/", {})
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CHECKING
    with on(DAY):
        objection_check(actor=parties.operator, objection=objection)
        # The provider's answer form is shown to the provider only.
        assert "提交答复" in _client(parties.clerk).get(f"/objections/{objection.pk}/").content.decode()
        assert "提交答复" not in _client(parties.applicant).get(f"/objections/{objection.pk}/").content.decode()


def test_applicant_asks_for_review_and_the_authority_decides_on_pages(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "yuanbaoshan"
    record = record_of()
    with on(DAY):
        objection = objection_file(
            actor=parties.applicant, records=[record], ground="error", statement="错误", evidence=[evidence()]
        )
        objection_check(actor=parties.operator, objection=objection)
        objection_answer(
            actor=parties.clerk, objection=objection, item=objection.items.get(), answer="confirmed", reason="无误"
        )
        objection_close(actor=parties.operator, objection=objection)
        applicant = _client(parties.applicant)
        assert "申请复核" in applicant.get(f"/objections/{objection.pk}/").content.decode()
        applicant.post(f"/objections/{objection.pk}/disagree/", {"text": "不服核查结果"})
        objection.refresh_from_db()
        assert objection.state == ObjectionState.REVIEW
        authority = _client(parties.authority)
        queue = authority.get("/objections/review/").content.decode()
        assert objection.number in queue and "2026-10-30" in queue  # 20 WD, 元宝山 第三十一条
        authority.post(f"/objections/{objection.pk}/review/", {"result": "upheld", "reason": "维持"})
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CLOSED and objection.review_result == "upheld"
