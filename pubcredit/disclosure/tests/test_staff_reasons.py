"""Staff looks at non-public information need a stated reason, logged as the purpose (西安 第三十八条,
元宝山 第二十七条); public information needs none."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    CreditCentreFactory,
    OperatorFactory,
    ProviderClerkFactory,
)
from pubcredit.core.errors import ValidationFailed
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.staff_reasons import staff_reason_clean
from pubcredit.disclosure.tests.conftest import SHANGHAI, TODAY
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


def _reason_url(subject_id: int) -> str:
    return f"/disclosure/staff/subjects/{subject_id}/reason/"


@pytest.mark.parametrize(
    ("kind", "text", "field", "fragment"),
    [
        ("objection", "", "reason", "须说明查询事由"),
        ("objection", "  核查 ", "reason", "过短"),
        ("objection", "查" * 201, "reason", "超过上限"),
        ("curiosity", "看看这家企业", "reason_kind", "“curiosity”无效"),
        ("", "看看这家企业", "reason_kind", "为空"),
    ],
)
def test_a_reason_needs_a_known_kind_and_enough_text(kind, text, field, fragment):
    with pytest.raises(ValidationFailed) as caught:
        staff_reason_clean(kind, text)
    assert caught.value.field == field and fragment in caught.value.message


def test_a_reason_is_cleaned_and_labelled():
    reason = staff_reason_clean("repair", "  信用修复申请\n 第 3 号 ")
    assert reason.purpose == "信用修复：信用修复申请 第 3 号"


def test_page_refuses_a_short_reason_and_shows_nothing(today, company):
    make_record(company, openness="restricted", data={"CF_NR": "内部核查结论"})
    browser = Client()
    browser.force_login(OperatorFactory.create())
    response = browser.post(_reason_url(company.pk), {"reason_kind": "other", "reason": "看"}, follow=True)
    html = response.content.decode()
    assert "过短" in html and "内部核查结论" not in html and "data-staff-reason-form" in html
    assert not QueryLogEntry.objects.exists()


def test_reason_is_remembered_for_that_subject_for_thirty_minutes(company):
    another = OrgSubjectFactory.create()
    make_record(company, openness="restricted", data={"CF_NR": "内部核查结论"})
    make_record(another, openness="restricted", data={"CF_NR": "另一家的内部结论"})
    operator = OperatorFactory.create()
    browser = Client()
    browser.force_login(operator)
    start = dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        browser.post(_reason_url(company.pk), {"reason_kind": "complaint", "reason": "投诉 2026-88 号核查"})
        assert "内部核查结论" in browser.get(f"/subjects/{company.pk}/").content.decode()
        # Another subject asks again.
        assert "另一家的内部结论" not in browser.get(f"/subjects/{another.pk}/").content.decode()
        clock.shift(dt.timedelta(minutes=29))
        assert "内部核查结论" in browser.get(f"/subjects/{company.pk}/").content.decode()
        clock.shift(dt.timedelta(minutes=2))
        html = browser.get(f"/subjects/{company.pk}/").content.decode()
        assert "内部核查结论" not in html and "data-staff-reason-form" in html
    entries = QueryLogEntry.objects.filter(subject=company)
    assert entries.count() == 2
    assert {e.purpose for e in entries} == {"投诉处理：投诉 2026-88 号核查"}


def test_ending_the_inquiry_asks_again(today, company):
    make_record(company, openness="restricted", data={"CF_NR": "内部核查结论"})
    browser = Client()
    browser.force_login(OperatorFactory.create())
    browser.post(_reason_url(company.pk), {"reason_kind": "supervision", "reason": "双随机抽查 11 月"})
    assert "内部核查结论" in browser.get(f"/subjects/{company.pk}/").content.decode()
    browser.post(_reason_url(company.pk), {"forget": "1"})
    assert "内部核查结论" not in browser.get(f"/subjects/{company.pk}/").content.decode()


def test_reason_page_is_for_staff_only(today, company):
    assert Client().post(_reason_url(company.pk), {"reason_kind": "other", "reason": "看看这家企业"}).status_code == 302
    browser = Client()
    browser.force_login(ProviderClerkFactory.create())
    assert browser.post(_reason_url(company.pk), {"reason_kind": "other", "reason": "看看这家企业"}).status_code == 403


def test_public_page_needs_no_reason_and_logs_nothing(today, company):
    make_record(company, data={"CF_NR": "罚款人民币3万元"})
    html = Client().get(f"/subjects/{company.pk}/").content.decode()
    assert "罚款人民币3万元" in html and "data-staff-reason-form" not in html
    assert not QueryLogEntry.objects.exists()


# --- API ----------------------------------------------------------------------------------------


def test_api_explain_without_a_reason_is_400_naming_the_field(today, company):
    make_record(company, openness="restricted")
    browser = Client()
    browser.force_login(OperatorFactory.create())
    response = browser.get(f"/api/v1/subjects/{company.uscc}/record?explain=1")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "reason" and "查询事由" in body["message"]
    bad_kind = browser.get(f"/api/v1/subjects/{company.uscc}/record?explain=1&reason=核对异议材料&reason_kind=x")
    assert bad_kind.status_code == 400 and bad_kind.json()["field"] == "reason_kind"
    assert not QueryLogEntry.objects.exists()


def test_api_explain_with_a_reason_shows_withheld_records_and_logs_the_reason(today, company):
    public = make_record(company)
    restricted = make_record(company, openness="restricted")
    centre = CreditCentreFactory.create()
    client = ApiClientFactory.create(organisation=centre, scopes=["query"])
    response = Client().get(
        f"/api/v1/subjects/{company.uscc}/record",
        {"explain": "1", "reason_kind": "objection", "reason": "异议 2026-5 号核查"},
        headers={"Authorization": f"Bearer {client.plain_token}"},
    )
    assert response.status_code == 200
    records = {r["id"]: r for g in response.json()["groups"] for r in g["records"]}
    assert set(records) == {public.pk, restricted.pk}
    assert all(r["explain"] for r in records.values())
    entry = QueryLogEntry.objects.get()
    assert (entry.viewer_kind, entry.api_client_id) == ("operator", client.pk)
    assert entry.purpose == "异议核查：异议 2026-5 号核查"


def test_api_public_view_needs_no_reason(today, company):
    make_record(company)
    response = Client().get(f"/api/v1/subjects/{company.uscc}/record")
    assert response.status_code == 200 and not QueryLogEntry.objects.exists()
