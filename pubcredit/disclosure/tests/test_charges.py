"""Paid queries (杏花岭 第十一条): off by default, one free self-query a year, exempt organisations."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pubcredit.accounts.models import OrganisationKind
from pubcredit.accounts.tests.factories import OrganisationFactory, SubjectAccountFactory
from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.charge_rules import query_charge
from pubcredit.disclosure.models.charges import QueryCharge
from pubcredit.disclosure.services.charges import ChargeNotConfirmed, query_charge_assess
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import get_policy
from pubcredit.subjects.tests.factories import OrgSubjectFactory

DAY = dt.date(2026, 11, 20)


def decide(pack: str, kind: ViewerKind, *, org: str | None = None, used: int = 0):
    return query_charge(
        get_policy(on=DAY, pack=pack), viewer_kind=kind, organisation_kind=org, free_self_queries_used=used
    )


@pytest.mark.parametrize("pack", ["national", "xian", "dalian", "nantong", "yuanbaoshan"])
def test_queries_are_free_unless_the_pack_makes_them_paid(pack: str) -> None:
    for kind in ViewerKind:
        decision = decide(pack, kind, org="other", used=9)
        assert decision.charged is False
        assert decision.key == "query.paid"
    assert decide("dalian", ViewerKind.AUTHORISED).article == "大连 第十条"


def test_xinghualing_gives_one_free_self_query_a_year_then_charges() -> None:
    first = decide("xinghualing", ViewerKind.SUBJECT, used=0)
    second = decide("xinghualing", ViewerKind.SUBJECT, used=1)
    assert (first.charged, first.key, first.article) == (False, "query.free_self_queries_per_year", "杏花岭 第十一条")
    assert (second.charged, second.article) == (True, "杏花岭 第十一条")
    assert "已用完" in second.reason


@pytest.mark.parametrize("org", ["department", "utility", "financial", "industry", "court"])
def test_xinghualing_exempts_government_utilities_banks_and_industry_bodies(org: str) -> None:
    decision = decide("xinghualing", ViewerKind.AUTHORISED, org=org)
    assert (decision.charged, decision.key) == (False, "query.fee_exempt_kinds")


@pytest.mark.parametrize("org", ["other", None])
def test_xinghualing_charges_other_requesters(org: str | None) -> None:
    assert decide("xinghualing", ViewerKind.AUTHORISED, org=org).charged is True


@pytest.mark.parametrize("kind", [ViewerKind.PUBLIC, ViewerKind.OPERATOR, ViewerKind.PROVIDER, ViewerKind.SHARING])
def test_xinghualing_never_charges_the_public_portal_or_officials(kind: ViewerKind) -> None:
    assert decide("xinghualing", kind, org="other", used=5).charged is False


# --- the service, on the database -----------------------------------------------------------------


@pytest.fixture
def xinghualing(settings) -> None:
    settings.PUBCREDIT_POLICY = "xinghualing"


def self_viewer(user) -> Viewer:
    return Viewer(kind=ViewerKind.SUBJECT, label="本人", user_id=user.pk, subject_id=user.subject_id)


@pytest.mark.django_db
def test_second_self_query_needs_confirmation_and_is_recorded_as_charged(xinghualing) -> None:
    account = SubjectAccountFactory.create()
    viewer = self_viewer(account)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)):
        assert query_charge_assess(actor=account, viewer=viewer, subject=account.subject).charged is False
        with pytest.raises(ChargeNotConfirmed, match="杏花岭 第十一条"):
            query_charge_assess(actor=account, viewer=viewer, subject=account.subject)
        assert QueryCharge.objects.filter(charged=True).count() == 0  # refused: nothing written
        assert query_charge_assess(actor=account, viewer=viewer, subject=account.subject, confirmed=True).charged
    rows = list(QueryCharge.objects.order_by("id").values_list("year", "charged"))
    assert rows == [(2026, False), (2026, True)]
    assert AuditEvent.objects.filter(action="disclosure.query_charged").count() == 1


@pytest.mark.django_db
def test_the_free_self_query_comes_back_on_the_first_of_january(xinghualing) -> None:
    account = SubjectAccountFactory.create()
    viewer = self_viewer(account)
    with time_machine.travel(dt.datetime(2026, 12, 31, 15, tzinfo=dt.UTC)):  # 23:00 in Shanghai
        query_charge_assess(actor=account, viewer=viewer, subject=account.subject)
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)):  # 00:30 on 1 January
        assert query_charge_assess(actor=account, viewer=viewer, subject=account.subject).charged is False
    assert list(QueryCharge.objects.order_by("id").values_list("year", flat=True)) == [2026, 2027]


@pytest.mark.django_db
def test_requesters_pay_unless_exempt(xinghualing) -> None:
    subject = OrgSubjectFactory.create()
    bank = OrganisationFactory.create(kind=OrganisationKind.FINANCIAL)
    firm = OrganisationFactory.create(kind=OrganisationKind.OTHER)
    for org in (bank, firm):
        viewer = Viewer(kind=ViewerKind.AUTHORISED, label=org.name, organisation_id=org.pk, purpose="贷款审查")
        if org is firm:
            with pytest.raises(ChargeNotConfirmed):
                query_charge_assess(actor=None, viewer=viewer, subject=subject)
        query_charge_assess(actor=None, viewer=viewer, subject=subject, confirmed=True)
    assert list(QueryCharge.objects.order_by("id").values_list("organisation_id", "charged")) == [
        (bank.pk, False),
        (firm.pk, True),
    ]


@pytest.mark.django_db
def test_nothing_is_recorded_where_queries_are_free() -> None:
    account = SubjectAccountFactory.create()
    for _ in range(3):
        assert query_charge_assess(actor=account, viewer=self_viewer(account), subject=account.subject).charged is False
    assert not QueryCharge.objects.exists()


# --- where the charge is asked: the authorised query -------------------------------------------


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC), tick=False)
def test_an_authorised_query_by_a_paying_requester_needs_confirmation(settings) -> None:
    import json

    from django.test import Client

    from pubcredit.accounts.tests.factories import ApiClientFactory
    from pubcredit.disclosure.models.query_log import QueryLogEntry
    from pubcredit.disclosure.services.authorisations import authorisation_grant
    from pubcredit.disclosure.tests.factories import make_record

    settings.PUBCREDIT_POLICY = "xinghualing"
    account = SubjectAccountFactory.create()
    record = make_record(account.subject, openness="restricted")
    firm = OrganisationFactory.create(kind=OrganisationKind.OTHER, is_consumer=True)
    client = ApiClientFactory.create(organisation=firm, scopes=["query"])
    authorisation = authorisation_grant(
        actor=account,
        requester_organisation=firm,
        item_codes=[record.item_code],
        purpose="合作伙伴资信审查",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    body = {"uscc": account.subject.uscc, "authorisation_id": authorisation.pk, "purpose": "合作伙伴资信审查"}

    def ask(extra: dict[str, object]):
        return Client().post(
            "/api/v1/authorised-queries",
            data=json.dumps(body | extra),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {client.plain_token}",
        )

    refused = ask({})
    assert refused.status_code == 400
    assert refused.json()["code"] == "charge_not_confirmed" and "杏花岭 第十一条" in refused.json()["message"]
    assert not QueryLogEntry.objects.filter(outcome="shown").exists()  # nothing was shown
    answered = ask({"confirm_charge": True})
    assert answered.status_code == 200, answered.json()
    assert [r["id"] for r in answered.json()["subject"]["records"]] == [record.pk]
    assert QueryCharge.objects.get().charged is True


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC), tick=False)
def test_the_self_query_page_asks_before_a_charged_look(settings) -> None:
    from django.test import Client

    from pubcredit.disclosure.models.query_log import QueryLogEntry

    settings.PUBCREDIT_POLICY = "xinghualing"
    account = SubjectAccountFactory.create()
    client = Client()
    client.force_login(account)
    first = client.get("/me/record/")
    assert "我的信用记录" in first.content.decode()  # the year's free self-query
    second = client.get("/me/record/")
    assert "确认收费查询" in second.content.decode() and "杏花岭 第十一条" in second.content.decode()
    assert QueryLogEntry.objects.count() == 1  # asking is not looking
    third = client.post("/me/record/", {"confirm_charge": "1"})
    assert "我的信用记录" in third.content.decode()
    assert QueryLogEntry.objects.count() == 2
    assert list(QueryCharge.objects.order_by("id").values_list("charged", flat=True)) == [False, True]
    api = client.get("/api/v1/me/record")
    assert api.status_code == 400 and api.json()["code"] == "charge_not_confirmed"
    assert client.get("/api/v1/me/record?confirm_charge=true").status_code == 200
