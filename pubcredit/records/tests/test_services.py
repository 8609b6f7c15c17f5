import datetime as dt

import pytest
import time_machine

from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.catalog.services import catalog_item_revise
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.records.models import Record, RecordStatus, RecordVersion
from pubcredit.records.selectors import record_get, record_versions, records_for_subject
from pubcredit.records.services import record_correct, record_create, record_withdraw
from pubcredit.records.tests.conftest import cf_data
from pubcredit.records.validation import RecordRejected

pytestmark = pytest.mark.django_db


def create_cf(clerk, subject, **overrides):
    kwargs = {
        "actor": clerk,
        "provider": clerk.organisation,
        "subject": subject,
        "item": catalog_item_get("CF"),
        "source_ref": "西市监罚〔2025〕1号",
        "decided_on": dt.date(2025, 5, 6),
        "end_date": dt.date(2025, 5, 20),
        "data": cf_data(subject),
    }
    kwargs.update(overrides)
    return record_create(**kwargs)


def test_create_stores_period_deadline_version_and_audit(catalogue, clerk, company, today):
    record = create_cf(clerk, company)
    assert record.status == RecordStatus.ACTIVE and record.version == 1
    assert (record.info_class, record.kind, record.item_code) == ("supervision", "bad", "CF")
    # 西安: the catalogue's 36 months from 认定终止之日 (西安 第二十一条)
    assert record.disclosure_ends_on == dt.date(2028, 5, 20)
    assert record.disclosure_basis["policy"] == "xian"
    assert "西安 第二十一条" in record.disclosure_basis["rules"][0]["article"]
    # 双公示: 7 working days after 2025-05-06
    assert record.report_due_on == dt.date(2025, 5, 15) and not record.report_due_provisional
    assert record.reported_on == today
    assert record.data["CF_NR_FK"] == "2"
    versions = list(record_versions(record))
    assert [(v.version, v.reason) for v in versions] == [(1, "归集")]
    event = AuditEvent.objects.get(action="records.record.create")
    assert event.target_id == str(record.pk) and event.actor_id == clerk.pk


def test_person_id_number_is_stored_masked_only(catalogue, clerk, person, today):
    record = create_cf(clerk, person, data=cf_data(person))
    stored = record.data["CF_XDR_ZJHM"]
    assert "*" in stored and stored != person.plain_id_number
    assert person.plain_id_number not in str(Record.objects.get(pk=record.pk).data)
    assert person.plain_id_number not in str(list(AuditEvent.objects.values_list("data", flat=True)))


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"data": {"颜色": "红"}}, "颜色", "字段“颜色”不属于本目录项"),
        ({"data": {"CF_JDRQ": "2025-02-30"}}, "CF_JDRQ", "“2025-02-30”不是有效日期"),
        ({"data": {"CF_NR_FK": "两万"}}, "CF_NR_FK", "“两万”不是有效数值"),
        ({"data": {"CF_XDR_SHXYM": "91610100MA0000000X"}}, "CF_XDR_SHXYM", "不是有效的统一社会信用代码"),
        ({"data": {"CF_XDR_LB": "公司"}}, "CF_XDR_LB", "“公司”不在可选值之内"),
        ({"drop": "CF_WSH"}, "CF_WSH", "缺少必填字段“行政处罚决定书文号”（CF_WSH）"),
        ({"decided_on": dt.date(2025, 7, 1)}, "decided_on", "决定日期 2025-07-01 晚于今天 2025-06-10"),
        ({"end_date": dt.date(2025, 5, 1)}, "end_date", "认定终止之日 2025-05-01 早于决定日期 2025-05-06"),
        ({"end_date": dt.date(2025, 6, 11)}, "end_date", "不能是将来的日期"),
        ({"tier": "huge"}, "tier", "失信等级“huge”无效"),
    ],
)
def test_every_refusal_names_the_field_value_and_reason(catalogue, clerk, company, today, overrides, field, fragment):
    data = cf_data(company)
    if "drop" in overrides:
        data.pop(overrides.pop("drop"))
    data.update(overrides.pop("data", {}))
    with pytest.raises(RecordRejected) as exc:
        create_cf(clerk, company, data=data, **overrides)
    assert fragment in exc.value.message
    assert any(p.field == field for p in exc.value.problems)
    assert exc.value.problems[0].row is None
    assert not Record.objects.exists() and not RecordVersion.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="records.").exists()


def test_subject_kind_must_be_allowed_by_the_item(catalogue, clerk, person, today):
    with pytest.raises(RecordRejected) as exc:
        record_create(
            actor=clerk,
            provider=clerk.organisation,
            subject=person,
            item=catalog_item_get("JYYC"),
            source_ref="R1",
            decided_on=dt.date(2025, 5, 6),
            data={"subject_name": person.name, "decision_org": "市场监管局", "decision_no": "R1"},
        )
    assert "只适用于法人和非法人组织，不适用于自然人" in exc.value.message


def test_tier_only_for_bad_information(catalogue, clerk, company, today):
    with pytest.raises(RecordRejected) as exc:
        record_create(
            actor=clerk,
            provider=clerk.organisation,
            subject=company,
            item=catalog_item_get("HXLD"),
            source_ref="",
            decided_on=dt.date(2025, 5, 6),
            tier="minor",
            data={
                "subject_name": company.name,
                "uscc": company.uscc,
                "title": "和谐劳动关系单位",
                "awarded_on": "2025-05-06",
                "decision_org": "人社局",
            },
        )
    assert "失信等级只适用于不良信息" in exc.value.message


def test_tier_is_required_once_the_national_tiers_apply(db, clerk, company):
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        from pubcredit.catalog.services import catalog_seed

        catalog_seed()
        with pytest.raises(RecordRejected) as exc:
            create_cf(clerk, company, decided_on=dt.date(2026, 5, 6), end_date=None)
        assert "须注明失信等级" in exc.value.message
        record = create_cf(clerk, company, decided_on=dt.date(2026, 5, 6), end_date=None, tier="general")
    # 西安 sets no period of its own: the national 一般 maximum of 12 months applies
    assert record.disclosure_ends_on == dt.date(2027, 5, 6)


def test_duplicate_source_ref_is_refused(catalogue, clerk, company, today):
    create_cf(clerk, company)
    with pytest.raises(RecordRejected) as exc:
        create_cf(clerk, company)
    assert "来源文号“西市监罚〔2025〕1号”已存在" in exc.value.message
    assert Record.objects.count() == 1


def test_records_keep_the_item_version_they_were_collected_under(catalogue, clerk, company, today):
    from pubcredit.accounts.tests.factories import OperatorFactory

    record = create_cf(clerk, company)
    catalog_item_revise(actor=OperatorFactory.create(), code="CF", changes={"update_frequency": "每日"})
    record.refresh_from_db()
    assert record.item.version == 1
    assert catalog_item_get("CF").version == 2


def test_old_item_version_is_refused_for_new_records(catalogue, clerk, company, today):
    from pubcredit.accounts.tests.factories import OperatorFactory

    old = catalog_item_get("CF")
    catalog_item_revise(actor=OperatorFactory.create(), code="CF", changes={"update_frequency": "每日"})
    with pytest.raises(RecordRejected) as exc:
        create_cf(clerk, company, item=old)
    assert "第1版在 2025-06-10 未生效" in exc.value.message


def test_only_the_provider_may_submit_for_itself(catalogue, clerk, other_clerk, company, today):
    with pytest.raises(PermissionDenied) as exc:
        create_cf(other_clerk, company, provider=clerk.organisation)
    assert "谁产生、谁上传、谁负责" in exc.value.message


def test_correction_writes_a_new_version_and_recomputes_the_period(catalogue, clerk, company, today):
    record = create_cf(clerk, company)
    corrected = record_correct(
        actor=clerk,
        record=record,
        data=cf_data(company, CF_NR="罚款人民币3万元", CF_NR_FK="3"),
        end_date=dt.date(2025, 6, 1),
        reason="罚款金额录入错误",
    )
    assert corrected.version == 2
    assert corrected.data["CF_NR_FK"] == "3"
    assert corrected.disclosure_ends_on == dt.date(2028, 6, 1)
    versions = list(record_versions(corrected))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].data["CF_NR_FK"] == "2" and versions[0].end_date == dt.date(2025, 5, 20)
    assert versions[1].reason == "罚款金额录入错误"
    event = AuditEvent.objects.get(action="records.record.correct")
    assert event.data["changed"] == ["data", "end_date"]


def test_correction_refusals(catalogue, clerk, company, today):
    record = create_cf(clerk, company)
    with pytest.raises(ValidationFailed) as exc:
        record_correct(actor=clerk, record=record, reason="无改动")
    assert "没有任何改动" in exc.value.message
    with pytest.raises(ValidationFailed):
        record_correct(actor=clerk, record=record, reason="  ", tier="minor")
    with pytest.raises(RecordRejected) as exc:
        record_correct(actor=clerk, record=record, reason="改日期", decided_on=dt.date(2026, 1, 1))
    assert "晚于今天" in exc.value.message
    assert record_get(record.pk).version == 1


def test_another_provider_cannot_correct_or_withdraw(catalogue, clerk, other_clerk, company, today):
    record = create_cf(clerk, company)
    with pytest.raises(PermissionDenied) as exc:
        record_correct(actor=other_clerk, record=record, reason="越权", tier="minor")
    assert "不能更正该记录" in exc.value.message and "西安 第十六条" in exc.value.message
    with pytest.raises(PermissionDenied) as exc:
        record_withdraw(actor=other_clerk, record=record, reason="越权")
    assert "不能撤回该记录" in exc.value.message
    assert record_get(record.pk).version == 1


def test_withdrawal_keeps_the_record_and_its_versions(catalogue, clerk, company, today):
    record = create_cf(clerk, company)
    record_withdraw(actor=clerk, record=record, reason="决定已被撤销")
    record = record_get(record.pk)
    assert record.status == RecordStatus.WITHDRAWN and record.version == 2
    assert [v.status for v in record_versions(record)] == ["active", "withdrawn"]
    assert list(records_for_subject(company)) == []
    assert list(records_for_subject(company, statuses=["withdrawn"])) == [record]
    with pytest.raises(ValidationFailed):
        record_withdraw(actor=clerk, record=record, reason="再次撤回")
    # the same 文号 may be submitted again after a withdrawal
    again = create_cf(clerk, company)
    assert again.pk != record.pk
