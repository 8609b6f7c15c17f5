from typing import Any

import pytest
import time_machine
from django.test import Client

from pubcredit.accounts.tests.factories import OperatorFactory, ProviderClerkFactory
from pubcredit.core.models import AuditEvent
from pubcredit.subjects.identifiers import id_number_check_character
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import PersonSubjectFactory, make_uscc

pytestmark = pytest.mark.django_db

ADD = "/admin/subjects/subject/add/"


def _staff(factory: Any) -> Client:
    browser = Client()
    browser.force_login(factory.create(is_staff=True))
    return browser


@time_machine.travel("2026-11-22 09:00:00+08:00", tick=False)
def test_operator_adds_a_person_and_the_number_is_never_shown() -> None:
    browser = _staff(OperatorFactory)
    body = "61010319900101123"
    number = body + id_number_check_character(body)
    response = browser.post(ADD, {"kind": "person", "name": "张三", "id_number": number, "district": "碑林区"})
    assert response.status_code == 302, response.content.decode()[:2000]
    subject = Subject.objects.get()
    assert subject.id_number_masked == "610103********" + number[-4:]
    assert AuditEvent.objects.filter(action="subjects.subject_register").count() == 1
    page = browser.get(f"/admin/subjects/subject/{subject.pk}/change/").content.decode()
    assert subject.id_number_masked in page
    assert number not in page
    listing = browser.get("/admin/subjects/subject/").content.decode()
    assert number not in listing
    assert subject.id_number_masked in listing


@time_machine.travel("2026-11-22 09:00:00+08:00", tick=False)
def test_invalid_number_is_a_form_error_that_does_not_echo_the_number() -> None:
    browser = _staff(ProviderClerkFactory)
    number = "610103199001011230"
    response = browser.post(ADD, {"kind": "person", "name": "张三", "id_number": number})
    assert response.status_code == 200
    page = response.content.decode()
    assert "校验码错误" in page
    assert number not in page
    assert not Subject.objects.exists()
    assert not AuditEvent.objects.exists()


@time_machine.travel("2026-11-22 09:00:00+08:00", tick=False)
def test_under_age_is_a_form_error() -> None:
    browser = _staff(OperatorFactory)
    body = "61010320081122123"
    response = browser.post(
        ADD, {"kind": "person", "name": "小明", "id_number": body + id_number_check_character(body)}
    )
    assert "自然人未满18周岁（西安 第十条）" in response.content.decode()
    assert not Subject.objects.exists()


def test_operator_adds_an_organisation_and_searches_by_uscc() -> None:
    browser = _staff(OperatorFactory)
    response = browser.post(ADD, {"kind": "org", "name": "西安某某有限公司", "uscc": make_uscc(9)})
    assert response.status_code == 302
    found = browser.get("/admin/subjects/subject/", {"q": make_uscc(9)}).content.decode()
    assert "西安某某有限公司" in found


def test_operator_corrects_the_name_through_the_service() -> None:
    person = PersonSubjectFactory.create(name="张 三")
    browser = _staff(OperatorFactory)
    response = browser.post(f"/admin/subjects/subject/{person.pk}/change/", {"name": "张三", "district": "雁塔区"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.name_normalized, person.district) == ("张三", "张三", "雁塔区")
    event = AuditEvent.objects.get(action="subjects.subject_update")
    assert event.data["after"] == {"name": "张三", "district": "雁塔区"}


def test_provider_may_add_but_not_change_or_delete() -> None:
    person = PersonSubjectFactory.create()
    browser = _staff(ProviderClerkFactory)
    assert browser.get(ADD).status_code == 200
    assert browser.post(f"/admin/subjects/subject/{person.pk}/change/", {"name": "改名"}).status_code == 403
    assert browser.post(f"/admin/subjects/subject/{person.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Subject.objects.filter(pk=person.pk).exists()
