"""Public lists (公示栏) list only what the disclosure decision shows the public, newest first."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from pubcredit.disclosure.selectors.public_lists import records_published
from pubcredit.disclosure.tests.factories import catalog_item, make_record
from pubcredit.records.models import Annotation, AnnotationKind
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def code(settings) -> str:
    """The 西安 pack, and the public item the factories' records are filed under."""
    settings.PUBCREDIT_POLICY = "xian"
    return catalog_item().code


def test_only_records_the_public_may_see_are_listed(code) -> None:
    shown = make_record(OrgSubjectFactory.create(), disclosure_ends_on=dt.date(2027, 1, 1))
    make_record(OrgSubjectFactory.create(), disclosure_ends_on=dt.date(2026, 11, 19))  # period ended
    make_record(OrgSubjectFactory.create(), status="withdrawn")
    make_record(OrgSubjectFactory.create(), status="archived")
    make_record(PersonSubjectFactory.create())  # 西安 第十七条: persons' information is not public
    suspended = make_record(OrgSubjectFactory.create())
    Annotation.objects.create(record=suspended, kind=AnnotationKind.OBJECTION, text="异议", created_by_label="测试")
    assert suspended.item_code == shown.item_code == code

    page = records_published(item_code=code)

    assert [entry.record.pk for entry in page.entries] == [shown.pk]
    assert page.has_more is False


def test_the_list_pages_newest_first_without_gaps(code) -> None:
    records = [make_record(OrgSubjectFactory.create()) for _ in range(5)]
    make_record(OrgSubjectFactory.create(), status="withdrawn")  # in between, never listed
    records.append(make_record(OrgSubjectFactory.create()))
    newest_first = [record.pk for record in reversed(records)]

    first = records_published(item_code=code, limit=4)
    second = records_published(item_code=code, limit=4, before_id=first.entries[-1].record.pk)

    assert [e.record.pk for e in first.entries] == newest_first[:4] and first.has_more
    assert [e.record.pk for e in second.entries] == newest_first[4:] and not second.has_more


def test_the_page_shows_subjects_references_and_content_but_not_consent_fields(code) -> None:
    subject = OrgSubjectFactory.create()
    make_record(subject, data={"CF_XDR_MC": subject.name, "CF_NR": "罚款人民币2万元", "INCOME": "123456"})
    response = Client().get(f"/public/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert subject.name in html and f"/subjects/{subject.pk}/" in html
    assert "罚款人民币2万元" in html
    assert "123456" not in html and "收入" not in html


def test_restricted_items_have_no_public_list(code) -> None:
    restricted = catalog_item(openness="restricted")
    assert Client().get(f"/public/{restricted.code}/").status_code == 404
    assert Client().get("/public/NOSUCH/").status_code == 404
    index = Client().get("/public/").content.decode()
    assert f"/public/{code}/" in index and f"/public/{restricted.code}/" not in index
