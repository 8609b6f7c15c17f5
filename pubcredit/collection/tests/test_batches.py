"""Batches by API and by file: whole or nothing, partial, idempotent, every validation rule."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from pubcredit.accounts.tests.factories import ApiClientFactory, ProviderClerkFactory
from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import Batch, BatchStatus, RawUpload
from pubcredit.collection.services.batches import batch_submit_file, batch_submit_rows
from pubcredit.core.models import AuditEvent
from pubcredit.records.models import Record, RecordStatus, RecordVersion
from pubcredit.records.tests.conftest import AUTHORITY_USCC, cf_data
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

TODAY = dt.datetime(2025, 6, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def catalogue(db, today):
    catalog_seed()


@pytest.fixture
def token(catalogue):
    return ApiClientFactory.create()


def post(client: Client, token: Any, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/batches",
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.plain_token}",
    )


def rows(n: int, *, start: int = 1, **overrides: Any) -> list[dict[str, Any]]:
    out = []
    for i in range(start, start + n):
        subject = OrgSubjectFactory.build()
        out.append(cf_data(subject, wsh=f"西市监罚〔2025〕{i}号", **overrides))
    return out


def test_api_batch_lands_whole_with_versions_subjects_and_audit(client, token):
    response = post(client, token, {"item": "CF", "ref": "B-001", "rows": rows(3)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows_created"], body["problems"]) == ("accepted", 3, [])
    records = Record.objects.filter(provider=token.organisation)
    assert records.count() == 3
    assert RecordVersion.objects.filter(record__in=records, version=1).count() == 3
    assert Subject.objects.count() == 3
    assert records.first().batch_ref == "B-001"
    event = AuditEvent.objects.filter(action="collection.batch.accept").get()
    assert event.data["created"] == 3 and event.data["content_sm3"].replace("-", "") == body["content_sm3"]
    assert RawUpload.objects.get(sm3=body["content_sm3"]).retain_until == dt.date(2030, 6, 10)


def test_same_batch_again_is_replayed_not_duplicated(client, token):
    body = {"item": "CF", "ref": "B-002", "rows": rows(2)}
    assert post(client, token, body).status_code == 201
    again = post(client, token, body)
    assert again.status_code == 200
    assert Record.objects.count() == 2
    assert Batch.objects.count() == 1
    # Without a batch reference the content's digest is the reference.
    plain = {"item": "CF", "rows": rows(2, start=10)}
    assert post(client, token, plain).status_code == 201
    assert post(client, token, plain).status_code == 200
    assert Record.objects.count() == 4


def test_reused_reference_with_other_content_is_refused(client, token):
    assert post(client, token, {"item": "CF", "ref": "B-003", "rows": rows(1)}).status_code == 201
    response = post(client, token, {"item": "CF", "ref": "B-003", "rows": rows(1, start=5)})
    assert response.status_code == 400
    assert "批次号“B-003”已用于" in response.json()["message"]
    assert Record.objects.count() == 1


def test_resent_rows_unchanged_are_left_and_changed_become_versions(client, token):
    first = rows(2)
    assert post(client, token, {"item": "CF", "ref": "B-004", "rows": first}).status_code == 201
    changed = [dict(first[0], CF_NR="罚款人民币3万元", CF_NR_FK="3"), first[1]]
    response = post(client, token, {"item": "CF", "ref": "B-005", "rows": changed})
    body = response.json()
    assert (body["rows_created"], body["rows_updated"], body["rows_unchanged"]) == (0, 1, 1)
    record = Record.objects.get(source_ref=first[0]["CF_WSH"])
    assert record.version == 2 and record.data["CF_NR_FK"] == "3"
    assert list(record.versions.values_list("version", flat=True)) == [1, 2]
    assert Record.objects.count() == 2


def test_one_bad_row_rejects_the_whole_batch_with_the_complete_report(client, token):
    batch = rows(4)
    batch[1]["CF_XDR_SHXYM"] = "91610000MA6TG1XX00"  # wrong check character
    batch[3]["CF_JDRQ"] = "2025-13-01"
    response = post(client, token, {"item": "CF", "ref": "B-006", "rows": batch})
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "rejected" and body["rows_rejected"] == 2
    assert [(p["row"], p["field"]) for p in body["problems"]] == [(2, "CF_XDR_SHXYM"), (4, "CF_JDRQ")]
    assert "统一社会信用代码" in body["problems"][0]["message"]
    assert Record.objects.count() == 0 and Subject.objects.count() == 0
    assert AuditEvent.objects.filter(action="collection.batch.reject").count() == 1
    # The provider fixes the rows and sends the batch again under the same reference.
    batch[1]["CF_XDR_SHXYM"] = OrgSubjectFactory.build().uscc
    batch[3]["CF_JDRQ"] = "2025-05-01"
    assert post(client, token, {"item": "CF", "ref": "B-006", "rows": batch}).status_code == 201
    assert Record.objects.count() == 4


def test_partial_lands_the_good_rows_and_lists_the_others(client, token):
    batch = rows(3)
    batch[2]["CF_WFXW"] = ""
    response = post(client, token, {"item": "CF", "ref": "B-007", "partial": True, "rows": batch})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["rows_created"], body["rows_rejected"]) == ("partial", 2, 1)
    assert body["problems"][0]["row"] == 3 and "违法行为类型" in body["problems"][0]["message"]


def test_duplicate_reference_inside_a_batch_is_named_with_both_rows(client, token):
    batch = rows(2)
    batch[1]["CF_WSH"] = batch[0]["CF_WSH"]
    body = post(client, token, {"item": "CF", "ref": "B-008", "rows": batch}).json()
    assert "与第 1 行重复" in body["problems"][0]["message"] and body["problems"][0]["row"] == 2


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"CF_XDR_LB": "外星人"}, "CF_XDR_LB", "不在可选值之内"),
        ({"CF_NR_FK": "两万"}, "CF_NR_FK", "不是有效数值"),
        ({"CF_JDRQ": "2025-07-01"}, "decided_on", "不能是将来的日期"),
        ({"CF_SY": "x" * 4001}, "CF_SY", "超过上限"),
        ({"CF_CFJGDM": "123"}, "CF_CFJGDM", "统一社会信用代码"),
        ({"CF_FRDB": None}, "CF_FRDB", "缺少必填字段"),
        ({"CF_NR": '=HYPERLINK("http://x")'}, "CF_NR", "公式"),
        ({"CF_XDR_MC": None}, "行政相对人名称", "缺少必填列"),
    ],
)
def test_each_field_rule_refuses_with_row_field_and_reason(client, token, change, field, words):
    batch = rows(1, **{k: v for k, v in change.items()})
    for key, value in change.items():
        if value is None:
            batch[0].pop(key, None)
    body = post(client, token, {"item": "CF", "rows": batch}).json()
    assert body["status"] == "rejected"
    problem = next(p for p in body["problems"] if p["field"] == field)
    assert problem["row"] == 1 and words in problem["message"]


def test_person_rows_need_a_valid_id_number_and_the_age_floor(client, token, today):
    adult = PersonSubjectFactory.build()
    good = cf_data(adult, wsh="个人罚〔2025〕1号")
    bad_id = cf_data(adult, wsh="个人罚〔2025〕2号", CF_XDR_ZJHM="610103199001011230")
    minor_id = "61010320100101001" + _check("61010320100101001")
    minor = cf_data(adult, wsh="个人罚〔2025〕3号", CF_XDR_ZJHM=minor_id)
    body = post(client, token, {"item": "CF", "rows": [good, bad_id, minor]}).json()
    messages = {p["row"]: p["message"] for p in body["problems"]}
    assert set(messages) == {2, 3}
    assert "身份证号码" in messages[2] and "610103199001011230" not in json.dumps(body, ensure_ascii=False)
    assert "18" in messages[3] or "周岁" in messages[3]


def _check(first17: str) -> str:
    from pubcredit.subjects.identifiers import id_number_check_character

    return id_number_check_character(first17)


def complete_row(code: str, subject: Any, **overrides: Any) -> dict[str, Any]:
    """Every field of the item filled with a valid value; the subject's identifiers where they go."""
    from pubcredit.catalog.models import CatalogItem

    item = CatalogItem.objects.filter(code=code).latest("version")
    sample = {"string": "测试", "text": "测试内容", "date": "2025-05-01", "decimal": "1", "integer": "1", "bool": "是"}
    row: dict[str, Any] = {}
    for spec in item.field_specs():
        if spec.role == "subject_name":
            row[spec.name] = subject.name
        elif spec.type == "uscc":
            row[spec.name] = subject.uscc if spec.role == "uscc" else AUTHORITY_USCC
        elif spec.type == "id_number":
            if getattr(subject, "plain_id_number", None):
                row[spec.name] = subject.plain_id_number
        elif spec.type == "enum":
            row[spec.name] = spec.choices[0]
        else:
            row[spec.name] = sample[spec.type]
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def test_item_for_organisations_only_refuses_a_person(client, token):
    org = OrgSubjectFactory.build()
    row = complete_row("DJ", org, subject_kind="自然人")
    body = post(client, token, {"item": "DJ", "rows": [row]}).json()
    assert body["status"] == "rejected"
    assert body["problems"][0]["field"] == "subject_kind"
    assert "只适用于法人和非法人组织，不适用于自然人" in body["problems"][0]["message"]


def test_forbidden_column_is_refused_outright(client, token):
    batch = rows(1)
    batch[0]["宗教信仰"] = "某教"
    body = post(client, token, {"item": "CF", "rows": batch}).json()
    assert body["status"] == "rejected"
    assert "宗教" in body["problems"][0]["message"] and "禁止" in body["problems"][0]["message"]


def test_bad_tier_and_tier_required_after_national_tiers(client, catalogue):
    token = ApiClientFactory.create()
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=TODAY.tzinfo), tick=False):
        batch = rows(1, CF_JDRQ="2026-05-06")
        missing = post(client, token, {"item": "CF", "rows": batch}).json()
        assert missing["status"] == "rejected" and missing["problems"][0]["field"] == "tier"
        ok = post(client, token, {"item": "CF", "tier": "general", "rows": batch})
        assert ok.status_code == 201
        assert Record.objects.get().tier == "general"


def test_end_date_before_decision_is_refused(client, token):
    org = OrgSubjectFactory.build()
    row = complete_row("SX", org, decided_on="2025-05-01", end_date="2025-04-01")
    items = {"item": "SX", "rows": [row]}
    body = post(client, token, items).json()
    assert body["status"] == "rejected"
    assert any(p["field"] == "end_date" and "早于决定日期" in p["message"] for p in body["problems"])


def test_only_providers_with_the_collect_scope_may_submit(client, catalogue):
    reader = ApiClientFactory.create(scopes=["query"])
    response = post(client, reader, {"item": "CF", "rows": rows(1)})
    assert response.status_code in (401, 403)
    assert Batch.objects.count() == 0


def test_forced_failure_mid_batch_leaves_nothing_and_the_batch_can_be_sent_again(token, monkeypatch):
    from pubcredit.records import stream as stream_module

    monkeypatch.setattr(stream_module, "CHUNK_ROWS", 2)
    original = stream_module.RecordStream._insert
    calls = {"n": 0}

    def failing(self, new):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(self, new)

    monkeypatch.setattr(stream_module.RecordStream, "_insert", failing)
    batch = rows(5)
    with pytest.raises(RuntimeError):
        batch_submit_rows(actor=token, provider=token.organisation, item_code="CF", rows=batch, ref="B-009")
    assert calls["n"] == 2
    assert Record.objects.count() == 0
    assert RecordVersion.objects.count() == 0
    assert Subject.objects.count() == 0
    assert Batch.objects.count() == 0
    monkeypatch.setattr(stream_module.RecordStream, "_insert", original)
    done = batch_submit_rows(actor=token, provider=token.organisation, item_code="CF", rows=batch, ref="B-009")
    assert done.batch.status == BatchStatus.ACCEPTED and Record.objects.count() == 5


def _csv(headers: list[str], data: list[list[str]], encoding: str = "utf-8") -> io.BytesIO:
    lines = [",".join(headers)] + [",".join(row) for row in data]
    return io.BytesIO(("\n".join(lines) + "\n").encode(encoding))


def test_file_in_the_older_dual_publicity_columns_and_gbk_is_accepted(catalogue):
    clerk = ProviderClerkFactory.create()
    org = OrgSubjectFactory.build()
    headers = [
        "行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "法定代表人姓名", "处罚决定书文号",
        "违法行为类型", "处罚事由", "处罚依据", "处罚类别1", "处罚结果", "罚款金额", "处罚决定日期", "处罚有效期",
        "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码",
    ]  # fmt: skip
    data = [[org.name, "法人及非法人组织", org.uscc, "王五", "西市监罚〔2025〕77号", "虚假宣传", "发布虚假广告",
             "广告法第五十五条", "罚款", "罚款2万元", "2", "2025/05/06", "2028-05-06", "西安市市场监督管理局",
             AUTHORITY_USCC, "西安市市场监督管理局", AUTHORITY_USCC]]  # fmt: skip
    done = batch_submit_file(
        actor=clerk,
        provider=clerk.organisation,
        item_code="CF",
        stream=_csv(headers, data, "gb18030"),
        file_name="处罚.csv",
    )
    assert done.batch.status == BatchStatus.ACCEPTED, done.batch.problems
    record = Record.objects.get()
    assert record.data["CF_JDRQ"] == "2025-05-06" and record.decided_on == dt.date(2025, 5, 6)
    assert record.subject.uscc == org.uscc
    assert done.batch.raw is not None and done.batch.raw.size > 0


def test_file_with_an_unknown_column_is_rejected_before_any_row(catalogue):
    clerk = ProviderClerkFactory.create()
    done = batch_submit_file(
        actor=clerk,
        provider=clerk.organisation,
        item_code="CF",
        stream=_csv(["CF_XDR_MC", "不知道的列"], [["x", "y"]]),
        file_name="x.csv",
    )
    assert done.batch.status == BatchStatus.REJECTED
    messages = " ".join(p["message"] for p in done.batch.problems)
    assert "不知道的列" in messages and "缺少必填列" in messages
    assert Record.objects.count() == 0


def test_corrections_and_withdrawals_by_the_owner_only(client, token):
    assert post(client, token, {"item": "CF", "ref": "B-010", "rows": rows(1)}).status_code == 201
    record = Record.objects.get()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token.plain_token}"}
    other = ApiClientFactory.create()
    refused = client.post(
        f"/api/v1/records/{record.pk}/withdraw",
        data={"reason": "录入错误"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other.plain_token}",
    )
    assert refused.status_code == 403
    corrected = client.post(
        f"/api/v1/records/{record.pk}/correct",
        data={"reason": "罚款金额录入错误", "data": dict(record.data, CF_NR_FK="3")},
        content_type="application/json",
        **auth,
    )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["version"] == 2
    withdrawn = client.post(
        f"/api/v1/records/{record.pk}/withdraw", data={"reason": "决定已撤销"}, content_type="application/json", **auth
    )
    assert withdrawn.json()["status"] == RecordStatus.WITHDRAWN
    assert list(Record.objects.get().versions.values_list("reason", flat=True)) == [
        "归集",
        "罚款金额录入错误",
        "决定已撤销",
    ]


def test_batches_are_visible_to_their_provider_only(client, token):
    post(client, token, {"item": "CF", "ref": "B-011", "rows": rows(1)})
    batch = Batch.objects.get()
    other = ApiClientFactory.create()
    mine = client.get(f"/api/v1/batches/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {token.plain_token}")
    theirs = client.get(f"/api/v1/batches/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {other.plain_token}")
    assert mine.status_code == 200 and theirs.status_code == 404


def test_a_landed_batch_moves_the_providers_reporting_duty(client, token):
    from pubcredit.collection.models import ReportingDuty

    duty = ReportingDuty.objects.create(
        provider=token.organisation, item_code="CF", frequency="monthly", next_due_on=dt.date(2025, 6, 3)
    )
    assert post(client, token, {"item": "CF", "ref": "B-012", "rows": rows(1)}).status_code == 201
    duty.refresh_from_db()
    assert duty.last_reported_on == dt.date(2025, 6, 10) and duty.next_due_on > dt.date(2025, 6, 10)


def test_a_formula_in_a_required_cell_is_reported_once(client, token):
    batch = rows(1, CF_NR='=HYPERLINK("http://x")')
    body = post(client, token, {"item": "CF", "rows": batch}).json()
    assert [p["field"] for p in body["problems"]] == ["CF_NR"]
    assert "公式" in body["problems"][0]["message"]


def test_the_load_command_reports_a_replay_as_nothing_changed(catalogue, tmp_path):
    from django.core.management import call_command

    clerk = ProviderClerkFactory.create()
    org = OrgSubjectFactory.build()
    row = cf_data(org, wsh="西市监罚〔2025〕88号")
    path = tmp_path / "cf.csv"
    path.write_text(",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("batch", "load", str(path), "--item", "CF", "--user", clerk.username, stdout=out)
    assert "accepted, 1 rows, 1 created" in out.getvalue()
    again = io.StringIO()
    call_command("batch", "load", str(path), "--item", "CF", "--user", clerk.username, stdout=again)
    assert "already received" in again.getvalue() and "nothing changed" in again.getvalue()
    assert Record.objects.count() == 1


def test_references_shaped_like_id_numbers_land_and_are_masked_in_the_audit(client, token):
    batch = rows(1, CF_WSH="罚字202611220000000001号")
    response = post(client, token, {"item": "CF", "ref": "202611220000000001", "rows": batch})
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action="collection.batch.accept")
    assert event.data["ref"] != "202611220000000001" and "****" in event.data["ref"]


def test_api_file_upload_lands_and_reports(client, token):
    row = cf_data(OrgSubjectFactory.build(), wsh="西市监罚〔2025〕99号")
    content = (",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n").encode()
    upload = io.BytesIO(content)
    upload.name = "cf.csv"
    response = client.post(
        "/api/v1/batches/file",
        {"file": upload, "item": "CF", "ref": "F-001"},
        HTTP_AUTHORIZATION=f"Bearer {token.plain_token}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["rows_created"] == 1 and response.json()["channel"] == "file"
    bad = client.post(
        "/api/v1/batches/file",
        {"file": io.BytesIO(b"x"), "item": "CF", "tier": "huge"},
        HTTP_AUTHORIZATION=f"Bearer {token.plain_token}",
    )
    assert bad.status_code == 400 and "失信等级“huge”无效" in bad.json()["message"]


def test_raw_uploads_are_deleted_after_their_retention_and_a_second_sweep_does_nothing(client, token, settings):
    from pubcredit.collection.services.uploads import raw_uploads_purge

    assert post(client, token, {"item": "CF", "ref": "P-001", "rows": rows(1)}).status_code == 201
    raw = RawUpload.objects.get()
    path = settings.UPLOAD_DIR / raw.path
    assert path.exists() and raw.retain_until == dt.date(2030, 6, 10)
    assert raw_uploads_purge(today=dt.date(2030, 6, 10)).purged == 0  # the last day of retention
    done = raw_uploads_purge(today=dt.date(2030, 6, 11))
    assert done.purged == 1 and not path.exists()
    assert raw_uploads_purge(today=dt.date(2030, 6, 11)).purged == 0
    raw.refresh_from_db()
    assert raw.purged_at is not None and raw.sm3  # the digest stays as evidence
    assert AuditEvent.objects.filter(action="collection.raw_upload.purge").count() == 1


@pytest.fixture
def income_item(catalogue):
    """An item with a consent-only field (个人收入), as a centre could publish for a credit rating."""
    from pubcredit.accounts.tests.factories import OperatorFactory
    from pubcredit.catalog.services import catalog_item_publish

    return catalog_item_publish(
        actor=OperatorFactory.create(),
        code="SRZM",
        name="收入证明信息",
        info_class="qualification",
        kind="basic",
        subject_kinds=["person"],
        openness="restricted",
        period_rule={"mode": "pack"},
        valid_from=dt.date(2025, 1, 1),
        fields=[
            {"name": "subject_name", "label": "姓名", "type": "string", "required": True, "role": "subject_name"},
            {"name": "id_number", "label": "身份证号码", "type": "id_number", "required": True, "role": "id_number"},
            {"name": "cert_no", "label": "证明编号", "type": "string", "required": True, "role": "source_ref"},
            {"name": "issued_on", "label": "出具日期", "type": "date", "required": True, "role": "decided_on"},
            {"name": "income", "label": "年收入", "type": "decimal", "sensitivity": "consent"},
        ],
    )


def test_consent_only_values_need_the_persons_written_consent_reference(client, token, income_item):
    person = PersonSubjectFactory.build()
    row = {
        "姓名": person.name,
        "身份证号码": person.plain_id_number,
        "证明编号": "收入〔2025〕1号",
        "出具日期": "2025-05-01",
        "年收入": "120000",
    }
    refused = post(client, token, {"item": "SRZM", "rows": [row]}).json()
    assert refused["status"] == "rejected"
    assert "须经本人书面同意" in " ".join(p["message"] for p in refused["problems"])
    with_consent = dict(row, 授权书编号="SQ-2025-0001")
    landed = post(client, token, {"item": "SRZM", "rows": [with_consent]})
    assert landed.status_code == 201, landed.content
    assert Record.objects.get().data["income"] == "120000"
    # The column is there but this row's reference is empty: the row is refused, by row number.
    second = dict(with_consent, 证明编号="收入〔2025〕2号", 授权书编号="")
    body = post(
        client, token, {"item": "SRZM", "rows": [dict(with_consent, 证明编号="收入〔2025〕3号"), second]}
    ).json()
    assert body["status"] == "rejected"
    assert [(p["row"], p["field"]) for p in body["problems"]] == [(2, "年收入")]
    assert "授权书编号为空" in body["problems"][0]["message"]
