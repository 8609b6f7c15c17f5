"""Permissions, bad input, the sweep's idempotency, audit, the API, the command and the query-log read."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from pubcredit.accounts.tests.factories import ApiClientFactory
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.models.query_log import QueryLogEntry, QueryOutcome
from pubcredit.disclosure.selectors.query_log import query_log_recipients
from pubcredit.objections.evidence import read_proof, store
from pubcredit.objections.models import ItemState, Objection, ObjectionState
from pubcredit.objections.selectors import objections_visible_to, operator_desk
from pubcredit.objections.services import (
    Answer,
    CheckAction,
    CheckDecision,
    evidence_orphans_purge,
    objection_answer,
    objection_check,
    objection_close,
    objection_disagree,
    objection_enter,
    objection_file,
    objection_review,
    objections_sweep,
)
from pubcredit.objections.tests.conftest import EXE, PDF, PNG, Parties, evidence, on
from pubcredit.records.models import Annotation, Record, RecordStatus
from pubcredit.records.services import record_correct, record_withdraw

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 9, 28)


def _file(parties: Parties, *records: Record, **kwargs: Any) -> Objection:
    with on(DAY):
        return objection_file(
            actor=parties.applicant, records=list(records), ground="error", statement="错误", **kwargs
        )


# --- filing: who and what ---------------------------------------------------------------------


def test_only_the_subjects_account_files_for_its_own_records(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    with on(DAY):
        with pytest.raises(ValidationFailed, match=f"记录 {record.pk} 不是本主体的信用记录"):
            objection_file(actor=parties.stranger, records=[record], ground="error", statement="x")
        for actor in (parties.operator, parties.clerk, None):
            with pytest.raises(PermissionDenied, match="不是信用主体的账号"):
                objection_file(actor=actor, records=[record], ground="error", statement="x")
        with pytest.raises(PermissionDenied, match="不是信用中心的工作人员"):
            objection_enter(
                actor=parties.clerk, subject=parties.subject, records=[record], ground="error", statement="x"
            )
    assert not Objection.objects.exists()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ground": "angry"}, "异议事由“angry”无效"),
        ({"statement": "  "}, "异议说明不能为空"),
        ({"statement": "长" * 2001}, "异议说明长度 2001 超过上限"),
        ({"by_agent": True}, "须填写授权委托书编号"),
        ({"evidence": [SimpleUploadedFile("a.exe", EXE)]}, "类型“.exe”不被接受"),
        ({"evidence": [SimpleUploadedFile("a.png", PDF)]}, "与扩展名 .png 不符"),
        ({"evidence": [SimpleUploadedFile("a.pdf", b"")]}, "是空文件"),
        (
            {"evidence": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)]},
            "重复上传",
        ),
    ],
)
def test_bad_input_is_refused_with_nothing_written(
    settings: Any, parties: Parties, record_of: Callable[..., Record], kwargs: dict[str, Any], message: str
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    arguments: dict[str, Any] = {"records": [record], "ground": "error", "statement": "错误", **kwargs}
    with on(DAY), pytest.raises(ValidationFailed, match=message):
        objection_file(actor=parties.applicant, **arguments)
    assert not Objection.objects.exists()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("pack", "article"), [("nantong", "南通 第十三条"), ("yuanbaoshan", "元宝山 第三十条"), ("dalian", "大连 第十五条")]
)
def test_where_the_pack_requires_evidence_a_statement_alone_is_refused(
    settings: Any, parties: Parties, record_of: Callable[..., Record], pack: str, article: str
) -> None:
    settings.PUBCREDIT_POLICY = pack
    record = record_of()
    with (
        on(DAY),
        pytest.raises(ValidationFailed, match=f"须提交相关证据材料（objection.evidence_required，{article}）"),
    ):
        objection_file(actor=parties.applicant, records=[record], ground="error", statement="错误")
    assert not Objection.objects.exists() and not Annotation.objects.exists()
    settings.PUBCREDIT_POLICY = "xian"  # 西安 第二十八条: 证明材料或说明
    assert _file(parties, record).pk


def test_records_that_cannot_be_objected_to(settings: Any, parties: Parties, record_of: Callable[..., Record]) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    withdrawn = record_of(status=RecordStatus.WITHDRAWN)
    record = record_of()
    with on(DAY):
        with pytest.raises(ValidationFailed, match="请至少选择一条"):
            objection_file(actor=parties.applicant, records=[], ground="error", statement="x")
        with pytest.raises(ValidationFailed, match="只能对有效记录提出异议"):
            objection_file(actor=parties.applicant, records=[withdrawn], ground="error", statement="x")
        with pytest.raises(ValidationFailed, match="重复出现"):
            objection_file(actor=parties.applicant, records=[record, record], ground="error", statement="x")
        first = objection_file(actor=parties.applicant, records=[record], ground="error", statement="x")
        with pytest.raises(ValidationFailed, match=f"已在异议 {first.number} 中处理"):
            objection_file(actor=parties.applicant, records=[record], ground="error", statement="x")


def test_counter_entry_dates(settings: Any, parties: Parties, record_of: Callable[..., Record]) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    with on(DAY):
        with pytest.raises(ValidationFailed, match="晚于今天"):
            objection_enter(
                actor=parties.operator,
                subject=parties.subject,
                records=[record],
                ground="other",
                statement="书面",
                received_on=dt.date(2026, 9, 29),
            )
        objection = objection_enter(
            actor=parties.operator,
            subject=parties.subject,
            records=[record],
            ground="other",
            statement="书面",
            by_agent=True,
            authorisation_ref="WT-2026-001",
        )
    assert objection.channel == "counter" and objection.by_agent
    assert AuditEvent.objects.filter(action="objections.objection.enter").count() == 1


# --- the steps: who may take them -------------------------------------------------------------


def test_another_provider_cannot_answer_and_the_subject_cannot_check(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    objection = _file(parties, record)
    with on(DAY):
        for actor in (parties.applicant, parties.clerk, parties.authority):
            with pytest.raises(PermissionDenied):
                objection_check(actor=actor, objection=objection)
        objection_check(actor=parties.operator, objection=objection)
        with pytest.raises(ValidationFailed, match="平台核查已完成"):
            objection_check(actor=parties.operator, objection=objection)
        item = objection.items.get()
        for actor in (parties.other_clerk, parties.operator, parties.applicant):
            with pytest.raises(PermissionDenied):
                objection_answer(actor=actor, objection=objection, item=item, answer=Answer.CONFIRMED, reason="x")
        with pytest.raises(ValidationFailed, match="答复结论“maybe”无效"):
            objection_answer(actor=parties.clerk, objection=objection, item=item, answer="maybe", reason="x")
        with pytest.raises(ValidationFailed, match="须填写更正后的内容"):
            objection_answer(actor=parties.clerk, objection=objection, item=item, answer=Answer.CORRECTED, reason="x")
        with pytest.raises(ValidationFailed, match="没有字段“NOPE”"):
            objection_answer(
                actor=parties.clerk,
                objection=objection,
                item=item,
                answer=Answer.CORRECTED,
                reason="x",
                data={"NOPE": "1"},
            )
        with pytest.raises(ValidationFailed, match="不能进入“已办结”"):
            objection_close(actor=parties.operator, objection=objection)
        objection_answer(actor=parties.clerk, objection=objection, item=item, answer=Answer.CONFIRMED, reason="无误")
        with pytest.raises(ValidationFailed, match="不在待答复状态"):
            objection_answer(actor=parties.clerk, objection=objection, item=item, answer=Answer.CONFIRMED, reason="x")
        with pytest.raises(PermissionDenied):
            objection_close(actor=parties.clerk, objection=objection)
        objection_close(actor=parties.operator, objection=objection)
        # 西安 has no further step after a confirmed result.
        with pytest.raises(ValidationFailed, match="不能再提出异议"):
            objection_disagree(actor=parties.applicant, objection=objection, text="仍不服")
        with pytest.raises(PermissionDenied):
            objection_review(actor=parties.operator, objection=objection, result="upheld", reason="x")


def test_a_platform_error_needs_a_reason_and_only_operators_fix(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    record = record_of()
    objection = _file(parties, record)
    item = objection.items.get()
    with on(DAY):
        with pytest.raises(ValidationFailed, match="平台原因说明不能为空"):
            objection_check(
                actor=parties.operator,
                objection=objection,
                decisions={item.pk: CheckDecision(CheckAction.PLATFORM_WITHDRAW, "")},
            )
        record.refresh_from_db()
        assert record.status == RecordStatus.ACTIVE  # nothing half-written
        objection_check(
            actor=parties.operator,
            objection=objection,
            decisions={item.pk: CheckDecision(CheckAction.PLATFORM_WITHDRAW, "超过披露期限")},
        )
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN
    event = AuditEvent.objects.filter(action="records.record.withdraw").get()
    assert event.data["platform_error"] == objection.number
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ANSWERED
    assert objection.notice_due_on == dt.date(2026, 10, 8)  # 3 WD, 西安 第二十九条


def test_review_sends_the_record_back_to_the_provider(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "yuanbaoshan"
    record = record_of()
    objection = _file(parties, record, evidence=[evidence()])
    with on(DAY):
        objection_check(actor=parties.operator, objection=objection)
        item = objection.items.get()
        objection_answer(actor=parties.clerk, objection=objection, item=item, answer=Answer.CONFIRMED, reason="无误")
        objection_close(actor=parties.operator, objection=objection)
    with on(dt.date(2026, 9, 29)):
        with pytest.raises(NotFound):
            objection_disagree(actor=parties.stranger, objection=objection, text="不服")
        objection_disagree(actor=parties.applicant, objection=objection, text="不服")
    with on(dt.date(2026, 10, 9)):
        objection_review(actor=parties.authority, objection=objection, result="reverify", reason="证据不足")
    objection.refresh_from_db()
    item.refresh_from_db()
    assert objection.state == ObjectionState.VERIFYING
    assert item.state == ItemState.VERIFYING
    assert item.provider_due_on == dt.date(2026, 11, 5)  # the 20 WD of 元宝山 第三十条 again, from the decision


# --- the sweep ---------------------------------------------------------------------------------


def test_sweep_flags_once_and_a_second_run_does_nothing(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    objection = _file(parties, record_of())
    assert objections_sweep(on=dt.date(2026, 9, 30)).objections_flagged == 0  # due 09-30: still in time
    first = objections_sweep(on=dt.date(2026, 10, 1))
    assert first.objections_flagged == 1 and first.numbers == [objection.number]
    assert objections_sweep(on=dt.date(2026, 10, 1)).objections_flagged == 0
    assert objections_sweep(on=dt.date(2026, 10, 9)).objections_flagged == 0
    assert AuditEvent.objects.filter(action="objections.objection.overdue").count() == 1
    objection.refresh_from_db()
    assert objection.overdue
    with on(dt.date(2026, 10, 8)):
        objection_check(actor=parties.operator, objection=objection)
    objection.refresh_from_db()
    assert not objection.overdue  # a new stage, a new due date
    assert objection.due_on == dt.date(2026, 10, 21)  # 10 WD from 10-08 (10-10 worked)


def test_sweep_command(settings: Any, parties: Parties, record_of: Callable[..., Record]) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    _file(parties, record_of())
    out = StringIO()
    call_command("objections", "sweep", "--date", "2026-10-08", stdout=out)
    assert "1 stages flagged overdue" in out.getvalue()
    out = StringIO()
    call_command("objections", "sweep", "--date", "2026-10-08", stdout=out)
    assert "0 stages flagged overdue" in out.getvalue()


# --- reads -------------------------------------------------------------------------------------


def test_visibility(settings: Any, parties: Parties, record_of: Callable[..., Record]) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    objection = _file(parties, record_of())
    assert list(objections_visible_to(parties.applicant)) == [objection]
    assert list(objections_visible_to(parties.clerk)) == [objection]
    assert list(objections_visible_to(parties.operator)) == [objection]
    assert list(objections_visible_to(parties.authority)) == [objection]
    assert list(objections_visible_to(parties.stranger)) == []
    assert list(objections_visible_to(parties.other_clerk)) == []
    assert list(objections_visible_to(None)) == []


def test_query_log_recipients(parties: Parties, record_of: Callable[..., Record]) -> None:
    record = record_of()
    other_item = record_of(info_class="judgment")

    def log(when: dt.datetime, **kwargs: Any) -> None:
        entry = QueryLogEntry.objects.create(
            subject=parties.subject, retain_until=dt.date(2032, 1, 1), viewer_label="x", **kwargs
        )
        QueryLogEntry.objects.filter(pk=entry.pk).update(created_at=when)

    tz = dt.timezone(dt.timedelta(hours=8))
    recent = dt.datetime(2026, 8, 1, 9, tzinfo=tz)
    log(recent, viewer_kind="authorised", user=parties.other_clerk, item_codes=[record.item_code])
    log(recent, viewer_kind="authorised", user=parties.other_clerk, item_codes=[record.item_code])  # same viewer
    log(recent, viewer_kind="sharing", organisation=parties.clerk.organisation, item_codes=[record.item_code, "X"])
    log(recent, viewer_kind="sharing", user=parties.authority, item_codes=[other_item.item_code])  # other item
    log(recent, viewer_kind="authorised", user=parties.operator, item_codes=[record.item_code],
        outcome=QueryOutcome.REFUSED)  # fmt: skip
    log(dt.datetime(2026, 1, 1, 9, tzinfo=tz), viewer_kind="authorised", user=parties.stranger,
        item_codes=[record.item_code])  # fmt: skip
    found = query_log_recipients(record.pk, dt.date(2026, 3, 28))
    assert [(r.viewer_kind, r.user_id, r.organisation_id) for r in found] == [
        ("authorised", parties.other_clerk.pk, None),
        ("sharing", None, parties.clerk.organisation_id),
    ]
    assert query_log_recipients(999_999, dt.date(2026, 1, 1)) == []


# --- the API -----------------------------------------------------------------------------------


def test_api_files_and_reads(settings: Any, parties: Parties, record_of: Callable[..., Record]) -> None:
    settings.PUBCREDIT_POLICY = "nantong"
    record = record_of()
    client = Client(enforce_csrf_checks=False)
    client.force_login(parties.applicant)
    with on(DAY):
        response = client.post(
            "/api/v1/objections",
            json.dumps(
                {
                    "records": [record.pk],
                    "ground": "error",
                    "statement": "错误",
                    "evidence": [{"file_name": "证据.pdf", "content_base64": base64.b64encode(PDF).decode()}],
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["check_due_on"] == "2026-10-10" and body["pack"] == "nantong"
        assert body["items"][0]["record_id"] == record.pk
        assert Objection.objects.get(pk=body["id"]).evidence.get().file_name == "证据.pdf"
        read = client.get(f"/api/v1/objections/{body['id']}")
        assert read.status_code == 200 and read.json()["number"] == body["number"]
        bad = client.post(
            "/api/v1/objections",
            json.dumps({"records": [999999], "ground": "error", "statement": "错误"}),
            content_type="application/json",
        )
        assert bad.status_code == 400 and "记录 999999" in bad.json()["message"]
        broken = client.post(
            "/api/v1/objections",
            json.dumps(
                {
                    "records": [record_of().pk],
                    "ground": "error",
                    "statement": "错误",
                    "evidence": [{"file_name": "证据.pdf", "content_base64": "@@@"}],
                }
            ),
            content_type="application/json",
        )
        assert broken.status_code == 400 and "Base64" in broken.json()["message"]
        other = Client()
        other.force_login(parties.stranger)
        assert other.get(f"/api/v1/objections/{body['id']}").status_code == 404
        assert Client().get(f"/api/v1/objections/{body['id']}").status_code == 401


def test_orphaned_evidence_is_purged_a_day_later(
    settings: Any, parties: Parties, record_of: Callable[..., Record], evidence_storage: Any
) -> None:
    settings.PUBCREDIT_POLICY = "xian"
    kept = _file(parties, record_of(), evidence=[evidence("保留.pdf")])
    # What a rolled-back filing leaves: a stored file that no row names.
    orphan = store(read_proof(SimpleUploadedFile("孤儿.png", PNG), 1))
    assert (evidence_storage / orphan).exists()
    now = dt.datetime.now(dt.UTC)
    assert evidence_orphans_purge(now=now) == 0  # not a day old yet
    assert evidence_orphans_purge(now=now + dt.timedelta(days=2)) == 1
    assert evidence_orphans_purge(now=now + dt.timedelta(days=2)) == 0
    assert [p.name for p in (evidence_storage / "objections").iterdir()] == [kept.evidence.get().sm3]
    assert AuditEvent.objects.filter(action="objections.evidence.purge_orphans").count() == 1


def test_desk_lists_by_due_date_with_no_limit_last(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    filed = {}
    for pack in ("dalian", "shaoshan", "xian"):  # due 10-08, none (national values in 2026), 09-30
        settings.PUBCREDIT_POLICY = pack
        filed[pack] = _file(parties, record_of(), evidence=[evidence(f"{pack}.pdf", PDF + pack.encode())])
    assert operator_desk().to_check == [filed["xian"], filed["dalian"], filed["shaoshan"]]


def test_a_providers_system_answers_through_the_api(
    settings: Any, parties: Parties, record_of: Callable[..., Record]
) -> None:
    settings.PUBCREDIT_POLICY = "dalian"
    record = record_of()
    objection = _file(parties, record, evidence=[evidence()])
    with on(DAY):
        objection_check(actor=parties.operator, objection=objection)
    item = objection.items.get()
    own = ApiClientFactory.create(organisation=parties.clerk.organisation, scopes=["collect"])
    other = ApiClientFactory.create(organisation=parties.other_clerk.organisation, scopes=["collect"])
    url = f"/api/v1/objections/{objection.pk}/items/{item.pk}/answer"
    body = json.dumps({"answer": "corrected", "reason": "金额有误", "data": {"CF_NR": "罚款人民币3千元"}})
    with on(dt.date(2026, 10, 9)):
        refused = Client().post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other.plain_token}"
        )
        assert refused.status_code == 404  # another department's system sees nothing of it
        answered = Client().post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {own.plain_token}"
        )
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == "answered"
    assert answered.json()["notice_due_on"] == "2026-10-12"  # 2 WD, 大连 第十六条: 10-10 (make-up), 10-12
    record.refresh_from_db()
    assert record.version == 2 and record.data["CF_NR"] == "罚款人民币3千元"


def test_the_centre_corrects_a_record_only_for_an_objections_platform_error(
    parties: Parties, record_of: Callable[..., Record]
) -> None:
    record = record_of()
    with on(DAY):
        with pytest.raises(PermissionDenied, match="不属于该记录的信息提供单位"):
            record_withdraw(actor=parties.operator, record=record, reason="清理")
        with pytest.raises(PermissionDenied):  # a department's clerk is not the centre
            record_withdraw(actor=parties.other_clerk, record=record, reason="清理", platform_error="YY2026000001")
        corrected = record_correct(
            actor=parties.operator, record=record, reason="平台入库错误", data={**record.data, "CF_NR": "警告"},
            platform_error="YY2026000001",
        )  # fmt: skip
    assert corrected.version == 2
    event = AuditEvent.objects.get(action="records.record.correct")
    assert event.data["platform_error"] == "YY2026000001"
