"""The timeliness pages through the Django test client: who gets which page and what it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from pubcredit.accounts.tests.factories import ConsumerClerkFactory
from pubcredit.collection.services.reporting import reporting_sweep
from pubcredit.collection.tests.test_reporting_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_reporting_fixtures import on_day, provider_of, report_cf, set_duty

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 10, 20)
OVERVIEW = "/collection/reporting/"
MINE = "/collection/reporting/mine/"


@pytest.fixture
def scene(catalogue, operator, clerk, other_clerk):
    """clerk: a weekly CF duty, reminded 9 Oct and criticised 16 Oct; 2 on time and 1 late record.
    other_clerk: a monthly XK duty, not yet due, and one late record."""
    set_duty(operator, provider_of(clerk))
    set_duty(operator, provider_of(other_clerk), code="XK", frequency="monthly")
    for day in (D(2026, 10, 9), D(2026, 10, 16)):
        with on_day(day):
            reporting_sweep()
    decided = D(2026, 9, 28)  # due 13 October
    report_cf(clerk, decided_on=decided, reported_on=D(2026, 10, 10))
    report_cf(clerk, decided_on=decided, reported_on=D(2026, 10, 13))
    report_cf(clerk, decided_on=decided, reported_on=D(2026, 10, 14))
    report_cf(other_clerk, decided_on=decided, reported_on=D(2026, 10, 19))


def get(user, url: str, **params: str):
    client = Client()
    if user is not None:
        client.force_login(user)
    with on_day(TODAY):
        return client.get(url, params)


def test_urls_are_named_in_the_collection_namespace() -> None:
    assert reverse("collection:reporting_overview") == OVERVIEW
    assert reverse("collection:reporting_mine") == MINE


def test_operator_page_shows_rates_overdue_duties_reminders_and_criticism(scene, operator, clerk, other_clerk):
    response = get(operator, OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>报送及时性</h1>" in html
    assert "西安 第三十四条" in html
    mine, other = provider_of(clerk).name, provider_of(other_clerk).name
    rows = response.context["rows"]
    assert [(r.summary.provider_name, r.summary.on_time, r.summary.late, r.rate) for r in rows] == [
        (other, 0, 1, "0.0%"),
        (mine, 2, 1, "66.7%"),
    ]
    assert "66.7%" in html and "2/3 按时" in html
    # Overdue: clerk's CF (due 8 Oct), not other_clerk's XK (due 28 Oct).
    assert [(r.duty.provider.name, r.duty.item_code, r.days_overdue) for r in response.context["overdue"]] == [
        (mine, "CF", 12)
    ]
    assert "已逾期 12 天" in html
    assert [n.get_stage_display() for n in response.context["notices"]] == ["书面催报"]
    assert [n.provider.name for n in response.context["criticism"]] == [mine]
    assert "通报批评名单" in html and "通报批评：" + mine in html


def test_authority_sees_the_overview_too(scene, authority) -> None:
    response = get(authority, OVERVIEW)
    assert response.status_code == 200 and len(response.context["criticism"]) == 1


def test_date_range_filters_the_rates(scene, operator) -> None:
    response = get(operator, OVERVIEW, start="2026-10-11", end="2026-10-13")
    assert [(r.summary.received, r.summary.on_time) for r in response.context["rows"] if r.summary.received] == [(1, 1)]
    bad = get(operator, OVERVIEW, start="2026-10-20", end="2026-10-01")
    assert bad.status_code == 200
    assert "起始日期 2026-10-20 晚于截止日期 2026-10-01" in bad.content.decode()


def test_provider_page_shows_only_its_own(scene, clerk, other_clerk) -> None:
    response = get(clerk, MINE)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["provider"] == provider_of(clerk)
    assert (response.context["row"].summary.on_time, response.context["row"].summary.late) == (2, 1)
    assert {n.provider_id for n in response.context["notices"]} == {provider_of(clerk).pk}
    assert len(response.context["notices"]) == 2
    assert provider_of(other_clerk).name not in html
    assert [r.reported_on for r in response.context["late_records"]] == [D(2026, 10, 14)]
    assert "书面催报" in html and "通报批评" in html
    other = get(other_clerk, MINE)
    assert other.context["notices"] == [] and "本单位没有收到催报或通报。" in other.content.decode()


def test_provider_opening_the_overview_goes_to_its_own_page(scene, clerk) -> None:
    response = get(clerk, OVERVIEW)
    assert response.status_code == 302 and response["Location"] == MINE


def test_others_are_refused(scene, operator) -> None:
    assert get(None, OVERVIEW).status_code == 302  # to the login page
    assert get(None, MINE).status_code == 302
    consumer = ConsumerClerkFactory.create()
    assert get(consumer, OVERVIEW).status_code == 403
    assert get(consumer, MINE).status_code == 403
    assert get(operator, MINE).status_code == 403  # the centre is not a provider


def test_national_pack_page_says_nothing_is_sent(settings, catalogue, operator, clerk) -> None:
    settings.PUBCREDIT_POLICY = "national"
    set_duty(operator, provider_of(clerk))
    html = get(operator, OVERVIEW).content.decode()
    assert "仅统计逾期情况，不发出催报" in html and "已逾期" in html
