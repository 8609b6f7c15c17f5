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
    overdue = make_record(subject, info_class="judgment", decided_on=dt.date(2025, 2, 1))
    for kind in (AnnotationKind.OBJECTION, AnnotationKind.OVERDUE):
        Annotation.objects.create(record=overdue, kind=kind, text="逾期", created_by_label="测试")

    expected = records_disclosed(viewer=PUBLIC, subject=subject, on=ON)
    with CaptureQueriesContext(connection) as queries:
        found, disclosed = public_record_by_uscc(subject.uscc.lower(), on=ON)

    assert found is not None and found.pk == subject.pk and found.name == subject.name
    assert [(d.record.pk, d.decision) for d in disclosed] == [(d.record.pk, d.decision) for d in expected]
    assert expected  # the scene has something public in every pack
    assert overdue.pk not in {d.record.pk for d in expected}  # provider overdue: withheld in every pack
    # The look-up, and the annotations of the records that have active ones (one query).
    assert len(queries) == 2, [q["sql"][:120] for q in queries.captured_queries]


def test_a_subject_with_nothing_public_and_an_unknown_uscc() -> None:
    subject = OrgSubjectFactory.create()
    make_record(subject, openness="restricted")
    with CaptureQueriesContext(connection) as queries:
        found, disclosed = public_record_by_uscc(subject.uscc, on=ON)
    assert found is not None and found.pk == subject.pk and disclosed == []
    assert len(queries) == 1
    assert public_record_by_uscc("91610000000000000X", on=ON) == (None, [])


def test_an_edited_catalogue_version_is_read_afresh_and_rows_behave_as_records() -> None:
    """The look-up shares one catalogue instance per version's content across requests: content
    changed under the same id is a new instance, never a stale label."""
    subject = OrgSubjectFactory.create()
    record = make_record(subject, data={"CF_NR": "罚款人民币2万元"})
    item = record.item
    _, first = public_record_by_uscc(subject.uscc, on=ON)
    labels = {spec.name: spec.label for spec in first[0].record.item.field_specs()}
    assert first[0].record.item.name == item.name

    renamed = [{**spec, "label": "处罚内容（新）"} if spec["name"] == "CF_NR" else spec for spec in item.fields]
    type(item).objects.filter(pk=item.pk).update(name="改名后的目录项", fields=renamed)
    _, second = public_record_by_uscc(subject.uscc, on=ON)
    shown = second[0].record
    assert shown.item.name == "改名后的目录项"
    assert {spec.name: spec.label for spec in shown.item.field_specs()}["CF_NR"] == "处罚内容（新）"
    assert labels["CF_NR"] != "处罚内容（新）"

    # A row built by the look-up is a record like any other: a column it did not fetch loads on access.
    assert shown.pk == record.pk and shown.data == {"CF_NR": "罚款人民币2万元"}
    assert shown.created_at == record.created_at
    assert not shown._state.adding and shown._state.db == "default"
