"""The centre's reporting-duty page: operators set, change and end duties; others are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pubcredit.collection.models import ReportingDuty
from pubcredit.collection.tests.test_reporting_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_reporting_fixtures import on_day, provider_of, set_duty
from pubcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/collection/reporting/duties/"
TODAY = dt.date(2026, 10, 20)  # a Tuesday


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_operator_sets_a_duty_and_sees_its_first_due_date(catalogue, operator, clerk):
    provider = provider_of(clerk)
    with on_day(TODAY):
        response = client_for(operator).post(
            PAGE, {"action": "set", "provider": provider.pk, "item_code": "CF", "frequency": "weekly"}
        )
        assert response.status_code == 302
        page = client_for(operator).get(PAGE)
    duty = ReportingDuty.objects.get(provider=provider, item_code="CF")
    assert (duty.frequency, duty.active) == ("weekly", True)
    assert duty.next_due_on > TODAY
    html = page.content.decode()
    assert provider.name in html
    assert duty.next_due_on.isoformat() in html
    assert AuditEvent.objects.filter(action="collection.reporting_duty_set").count() == 1


def test_changing_the_frequency_keeps_one_duty(catalogue, operator, clerk):
    provider = provider_of(clerk)
    set_duty(operator, provider)
    with on_day(TODAY):
        client_for(operator).post(
            PAGE, {"action": "set", "provider": provider.pk, "item_code": "CF", "frequency": "monthly"}
        )
    assert list(ReportingDuty.objects.values_list("item_code", "frequency")) == [("CF", "monthly")]


def test_operator_ends_a_duty(catalogue, operator, clerk):
    provider = provider_of(clerk)
    set_duty(operator, provider)
    with on_day(TODAY):
        response = client_for(operator).post(PAGE, {"action": "end", "provider": provider.pk, "item_code": "CF"})
        page = client_for(operator).get(PAGE)
    assert response.status_code == 302
    assert ReportingDuty.objects.get(provider=provider).active is False
    assert page.context["duties"] == []


def test_ending_a_duty_that_does_not_exist_says_so_and_changes_nothing(catalogue, operator, clerk):
    provider = provider_of(clerk)
    with on_day(TODAY):
        response = client_for(operator).post(PAGE, {"action": "end", "provider": provider.pk, "item_code": "XK"})
    assert response.status_code == 400
    assert "没有目录项“XK”的报送义务" in response.content.decode()
    assert not ReportingDuty.objects.exists()


def test_an_unknown_frequency_is_refused_by_the_form(catalogue, operator, clerk):
    provider = provider_of(clerk)
    with on_day(TODAY):
        response = client_for(operator).post(
            PAGE, {"action": "set", "provider": provider.pk, "item_code": "CF", "frequency": "hourly"}
        )
    assert response.status_code == 400
    assert "hourly" in response.content.decode()
    assert not ReportingDuty.objects.exists()


def test_a_provider_clerk_may_not_manage_duties(catalogue, operator, clerk):
    with on_day(TODAY):
        assert client_for(clerk).get(PAGE).status_code == 403
        response = client_for(clerk).post(
            PAGE, {"action": "set", "provider": provider_of(clerk).pk, "item_code": "CF", "frequency": "daily"}
        )
    assert response.status_code == 403
    assert not ReportingDuty.objects.exists()


def test_the_overview_links_to_the_duty_page_for_operators_only(catalogue, operator, authority):
    with on_day(TODAY):
        assert PAGE in client_for(operator).get("/collection/reporting/").content.decode()
        assert PAGE not in client_for(authority).get("/collection/reporting/").content.decode()
