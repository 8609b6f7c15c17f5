import datetime as dt

import pytest

from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind

PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")


@pytest.mark.django_db
def test_public_sees_public_record_and_not_restricted(today, company):
    shown = make_record(company, openness="public")
    make_record(company, openness="restricted")
    make_record(company, openness="sharing_only")
    result = records_disclosed(viewer=PUBLIC, subject=company)
    assert [d.record.pk for d in result] == [shown.pk]
    assert result[0].decision.state == "disclosed"


@pytest.mark.django_db
def test_subject_sees_own_restricted_records(today, company):
    a = make_record(company, openness="public")
    b = make_record(company, openness="restricted")
    own = Viewer(kind=ViewerKind.SUBJECT, label="本人", subject_id=company.pk)
    result = records_disclosed(viewer=own, subject=company)
    assert {d.record.pk for d in result} == {a.pk, b.pk}
    restricted = next(d for d in result if d.record.pk == b.pk)
    assert "非公开信息" in restricted.decision.annotations


@pytest.mark.django_db
def test_expired_record_not_public(today, company):
    make_record(company, disclosure_ends_on=today - dt.timedelta(days=1))
    assert records_disclosed(viewer=PUBLIC, subject=company) == []


@pytest.mark.django_db
def test_queries_are_bounded(today, company, django_assert_max_num_queries):
    for _ in range(10):
        make_record(company)
    with django_assert_max_num_queries(1):
        assert len(records_disclosed(viewer=PUBLIC, subject=company)) == 10


@pytest.mark.django_db
def test_statements_are_shown_and_read_in_one_more_query(today, company, django_assert_max_num_queries):
    from pubcredit.records.models import Annotation

    record = make_record(company)
    make_record(company)
    Annotation.objects.create(record=record, kind="statement", text="主体声明：已整改完毕", created_by_label="主体")
    Annotation.objects.create(record=record, kind="note", text="旧附注", created_by_label="中心", active=False)
    with django_assert_max_num_queries(2):
        result = records_disclosed(viewer=PUBLIC, subject=company)
    by_id = {entry.record.pk: entry.decision.annotations for entry in result}
    assert by_id[record.pk] == ("主体声明：已整改完毕",)
    assert len(by_id) == 2
