"""The one-round-trip public look-up by USCC gives exactly what `records_disclosed` gives the public."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pubcredit.disclosure.selectors.records import public_record_by_uscc, records_disclosed
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.records.models import Annotation, AnnotationKind
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 20)
PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")


@pytest.mark.parametrize("pack", ["xian", "nantong", "yuanbaoshan", "dalian"])
def test_same_records_and_decisions_as_the_general_read_path(settings, pack: str) -> None:
    settings.PUBCREDIT_POLICY = pack
    subject = OrgSubjectFactory.create()
    make_record(subject, disclosure_ends_on=dt.date(2027, 1, 1))
    make_record(subject, kind="good", info_class="commendation")
    make_record(subject, openness="restricted")
    make_record(subject, status="withdrawn")
    make_record(subject, disclosure_ends_on=dt.date(2026, 11, 19))
    make_record(subject, tier="severe", decided_on=dt.date(2020, 1, 2), disclosure_ends_on=dt.date(2027, 6, 1))
    disputed = make_record(subject, info_class="judgment")
    Annotation.objects.create(record=disputed, kind=AnnotationKind.OBJECTION, text="异议", created_by_label="测试")

    expected = records_disclosed(viewer=PUBLIC, subject=subject, on=ON)
    with CaptureQueriesContext(connection) as queries:
        found, disclosed = public_record_by_uscc(subject.uscc.lower(), on=ON)

    assert found is not None and found.pk == subject.pk and found.name == subject.name
    assert [(d.record.pk, d.decision) for d in disclosed] == [(d.record.pk, d.decision) for d in expected]
    assert expected  # the scene has something public in every pack
    # The look-up, and the annotation texts of the one record that has an active annotation.
    assert len(queries) == 2, [q["sql"][:120] for q in queries.captured_queries]


def test_a_subject_with_nothing_public_and_an_unknown_uscc() -> None:
    subject = OrgSubjectFactory.create()
    make_record(subject, openness="restricted")
    with CaptureQueriesContext(connection) as queries:
        found, disclosed = public_record_by_uscc(subject.uscc, on=ON)
    assert found is not None and found.pk == subject.pk and disclosed == []
    assert len(queries) == 1
    assert public_record_by_uscc("91610000000000000X", on=ON) == (None, [])
