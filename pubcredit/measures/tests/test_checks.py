"""Credit checks (信用核查) inside a department's own procedure, through the API: each flag, the
measures (mandatory first, by business type), suspension while an objection verifies (元宝山方案
五（八）), the query log, and the feedback against the check id."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from pubcredit.accounts.models import ApiScope
from pubcredit.accounts.tests.factories import ApiClientFactory, ConsumerOrganisationFactory
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.lists.tests.factories import enter
from pubcredit.measures.models import CheckOutcome, CreditCheck
from pubcredit.measures.selectors import standings_for_subjects
from pubcredit.measures.tests.conftest import Parties, on
from pubcredit.objections.services import objection_file
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/api/v1/checks"


def _token(organisation: Any) -> str:
    return ApiClientFactory.create(organisation=organisation, scopes=[ApiScope.CHECK.value]).plain_token


def _check(token: str, subject: str, business: str = "tendering", **extra: Any) -> Any:
    body = {"subject": subject, "business_type": business, **extra}
    return Client().post(URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def token(parties: Parties) -> str:
    return _token(parties.consumer.organisation)


def test_a_subject_on_the_severe_list_gets_its_measures_mandatory_first_and_key_supervision(
    parties: Parties, token: str
) -> None:
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject)
        answer = _check(token, parties.subject.uscc or "", "tendering", business_reference="ZB-2026-118")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["number"].startswith("HC20261120")
    assert [row["number"] for row in body["lists"]] == [entry.number]
    codes = [m["code"] for m in body["measures"]]
    # The 招标投标 measures of 元宝山 第二十六条 and those for every business, mandatory first.
    assert codes == ["B03", "B05", "B07", "B11"]
    assert [m["force"] for m in body["measures"]] == ["mandatory"] * 3 + ["recommended"]
    assert body["key_supervision"]["on"] and "严重失信主体名单" in body["key_supervision"]["reasons"][0]
    assert not body["green_channel"]["on"]
    with on(D(2026, 11, 20)):
        funding = _check(token, parties.subject.uscc or "", "funding").json()
    forces = [m["force"] for m in funding["measures"]]
    assert [m["code"] for m in funding["measures"]] == ["B04", "B07", "B11", "B12"]
    assert forces == ["mandatory", "mandatory", "recommended", "recommended"]  # 方案 五（六）


def test_a_red_list_subject_and_a_long_clean_subject_get_the_green_channel(parties: Parties, token: str) -> None:
    clean = OrgSubjectFactory.create()
    make_record(clean, kind="good", info_class="commendation", decided_on=D(2022, 3, 1))
    young = OrgSubjectFactory.create()
    with on(D(2026, 11, 20)):
        enter(parties.clerk, parties.subject, code="red")
        red = _check(token, parties.subject.uscc or "", "licensing").json()
        long_clean = _check(token, clean.uscc or "", "licensing").json()
        newcomer = _check(token, young.uscc or "", "licensing").json()
    assert red["green_channel"]["on"] and "诚信典型红名单" in red["green_channel"]["reasons"][0]
    assert [m["code"] for m in red["measures"]][:1] == ["R01"]  # the mandatory reward first (元宝山 第二十四条)
    assert long_clean["green_channel"]["on"]
    assert "连续 3 年无不良信用记录" in long_clean["green_channel"]["reasons"][0]  # 国发〔2016〕33号
    assert [m["code"] for m in long_clean["measures"]] == ["R02"]
    assert not newcomer["green_channel"]["on"] and newcomer["measures"] == []  # not known for 3 years


def test_a_bad_record_in_its_period_flags_key_supervision_and_ends_the_green_channel(
    parties: Parties, token: str
) -> None:
    make_record(parties.subject, kind="good", info_class="commendation", decided_on=D(2020, 1, 1))
    with on(D(2026, 11, 20)):
        before = _check(token, parties.subject.uscc or "", "supervision").json()
    make_record(parties.subject, tier="general", decided_on=D(2026, 5, 1), by=parties.clerk.organisation)
    with on(D(2026, 11, 20)):
        after = _check(token, parties.subject.uscc or "", "supervision").json()
    assert before["green_channel"]["on"] and not before["key_supervision"]["on"]
    assert not after["green_channel"]["on"]
    assert after["key_supervision"] == {"on": True, "reasons": ["有 1 条在披露期内的不良信息"]}  # 元宝山 第二十五条
    assert [m["code"] for m in after["measures"]] == ["S01", "S02"]


@override_settings(PUBCREDIT_POLICY="yuanbaoshan")
def test_measures_wait_while_an_objection_verifies_their_record(parties: Parties, token: str) -> None:
    record = make_record(parties.subject, tier="general", decided_on=D(2026, 6, 1), by=parties.clerk.organisation)
    pdf = SimpleUploadedFile("撤销决定.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    with on(D(2026, 11, 20)):
        enter(parties.clerk, parties.subject, records=[record])
        before = _check(token, parties.subject.uscc or "", "funding").json()
        objection_file(actor=parties.account, records=[record], ground="error", statement="已撤销", evidence=[pdf])
        during = _check(token, parties.subject.uscc or "", "funding").json()
    assert not any(m["suspended"] for m in before["measures"])
    assert [(m["code"], m["suspended"]) for m in during["measures"]] == [
        ("B04", True),
        ("B07", True),
        ("B11", True),
        ("B12", True),
    ]
    assert during["lists"][0]["suspended"]
    (standing,) = standings_for_subjects([parties.subject.pk], on=D(2026, 11, 20), business_type="funding").values()
    assert standing.measures[0] == "【强制】限制申请财政性资金项目（核实期间暂不执行）"


def test_checks_are_logged_like_queries_and_fed_back_once_by_their_department(parties: Parties, token: str) -> None:
    other_token = _token(ConsumerOrganisationFactory.create())
    with on(D(2026, 11, 20)):
        enter(parties.clerk, parties.subject)
        number = _check(token, parties.subject.uscc or "", "procurement").json()["number"]
    log = QueryLogEntry.objects.get(subject=parties.subject)
    assert (log.viewer_kind, log.basis, log.purpose) == ("check", f"check:{number}", "政府采购信用核查")
    url = f"{URL}/{number}/feedback"

    def post(body: dict[str, Any], bearer: str) -> Any:
        return Client().post(
            url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bearer}"
        )

    assert Client().get(f"{URL}/{number}", HTTP_AUTHORIZATION=f"Bearer {other_token}").status_code == 404
    assert post({"outcome": "applied", "measures": ["B03"]}, other_token).status_code == 404
    bad = post({"outcome": "applied", "measures": ["R01"]}, token)
    assert bad.status_code == 400 and bad.json()["field"] == "measures"
    assert post({"outcome": "not_applied"}, token).json()["field"] == "note"
    done = post({"outcome": "applied", "measures": ["B03", "B05"], "note": "取消投标资格"}, token)
    assert done.status_code == 200 and done.json()["outcome"] == "applied"
    assert post({"outcome": "applied", "measures": ["B03"]}, token).status_code == 400
    check = CreditCheck.objects.get(number=number)
    assert (check.outcome, check.applied_measures) == (CheckOutcome.APPLIED, ["B03", "B05"])


def test_bad_check_input_names_the_field_and_changes_nothing(parties: Parties, token: str) -> None:
    provider_token = ApiClientFactory.create(organisation=parties.clerk.organisation).plain_token  # scope collect only
    with on(D(2026, 11, 20)):
        wrong_type = _check(token, parties.subject.uscc or "", "lottery")
        missing = _check(token, "91610100MA00000000")
        unauthorised = _check(provider_token, parties.subject.uscc or "")
        anonymous = Client().post(URL, "{}", content_type="application/json")
    assert wrong_type.status_code == 400 and wrong_type.json()["field"] == "business_type"
    assert "lottery" in wrong_type.json()["message"]
    assert missing.status_code == 404 and missing.json()["field"] == "subject"
    assert unauthorised.status_code in (401, 403) and anonymous.status_code == 401
    assert not CreditCheck.objects.exists() and not QueryLogEntry.objects.exists()
