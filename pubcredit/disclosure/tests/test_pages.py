"""The public subject page, the subject's own record and query-log pages, the hide button."""

import pytest
from django.test import Client

from pubcredit.accounts.tests.factories import OperatorFactory, SubjectAccountFactory
from pubcredit.disclosure.models.outcomes import HideRequest
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.records.models import RecordVersion

pytestmark = pytest.mark.django_db


def test_public_page_shows_public_records_grouped_and_not_restricted(today, company):
    make_record(company, data={"CF_XDR_MC": company.name, "CF_NR": "罚款人民币3万元"})
    make_record(company, openness="restricted", data={"CF_NR": "内部核查结论"})
    html = Client().get(f"/subjects/{company.pk}/").content.decode()
    assert "罚款人民币3万元" in html and "监管类" in html
    assert "内部核查结论" not in html
    assert "data-explain" not in html and not QueryLogEntry.objects.exists()


def test_operator_states_a_reason_then_sees_explain_and_withheld_records_logged(today, company):
    make_record(company)
    make_record(company, openness="restricted", data={"CF_NR": "内部核查结论"})
    operator = OperatorFactory.create()
    browser = Client()
    browser.force_login(operator)
    html = browser.get(f"/subjects/{company.pk}/").content.decode()
    assert "data-staff-reason-form" in html and "内部核查结论" not in html and "data-explain" not in html
    assert not QueryLogEntry.objects.exists()
    reason = {"reason_kind": "objection", "reason": "核对异议 12 号"}
    browser.post(f"/disclosure/staff/subjects/{company.pk}/reason/", reason)
    html = browser.get(f"/subjects/{company.pk}/").content.decode()
    assert "data-explain" in html and "data-staff-panel" in html and "内部核查结论" in html
    entry = QueryLogEntry.objects.get()
    assert (entry.viewer_kind, entry.user_id, entry.purpose) == ("operator", operator.pk, "异议核查：核对异议 12 号")


def test_my_record_shows_non_public_records_versions_and_logs(today):
    account = SubjectAccountFactory.create()
    make_record(account.subject, data={"CF_NR": "公开处罚"})
    corrected = make_record(account.subject, openness="restricted", data={"CF_NR": "非公开事项"})
    corrected.version = 2
    corrected.save(update_fields=["version"])
    RecordVersion.objects.create(
        record=corrected,
        version=2,
        status="active",
        decided_on=corrected.decided_on,
        data=corrected.data,
        changed_by_label="市场监管局",
        reason="更正金额",
    )
    browser = Client()
    browser.force_login(account)
    html = browser.get("/me/record/").content.decode()
    assert "公开处罚" in html and "非公开事项" in html and "非公开信息" in html
    assert "历史版本（2）" in html and "更正金额" in html
    queries = browser.get("/me/queries/").content.decode()
    assert "本人查询" in queries and str(account) in queries


def test_hide_button_where_the_pack_allows(today, pack):
    account = SubjectAccountFactory.create()
    good = make_record(account.subject, kind="good", info_class="commendation")
    browser = Client()
    browser.force_login(account)
    with pack("yuanbaoshan"):
        assert "申请不予公开此良好信息" in browser.get("/me/record/").content.decode()
        response = browser.post(f"/me/record/{good.pk}/hide", follow=True)
        assert "前删除" in response.content.decode()
        assert HideRequest.objects.get().record_id == good.pk
    with pack("nantong"):
        assert "申请不予公开此良好信息" not in browser.get("/me/record/").content.decode()


def test_pages_need_a_subject_account(today):
    browser = Client()
    browser.force_login(OperatorFactory.create())
    assert browser.get("/me/record/").status_code == 403
    assert browser.get("/me/queries/").status_code == 403
    assert Client().get("/me/record/").status_code == 302
