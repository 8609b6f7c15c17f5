"""The batch read for sharing agrees with `records_disclosed`, subject by subject, and never
returns an item outside the viewer's grant, over random records, grants and days."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from pubcredit.disclosure.selectors.access import records_disclosed_many
from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.tests.factories import catalog_item, make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = pytest.mark.django_db

OPENNESS = ("public", "restricted", "sharing_only")
CLASSES = ("supervision", "qualification", "registration")
STATUSES = ("active", "active", "active", "archived", "withdrawn", "purged")


@pytest.mark.parametrize("seed", range(8))
def test_batch_read_equals_the_single_read_and_stays_within_the_grant(seed: int, today: dt.date) -> None:
    rng = random.Random(seed)
    subjects = [OrgSubjectFactory.create() for _ in range(3)] + [PersonSubjectFactory.create()]
    for _ in range(25):
        decided = today - dt.timedelta(days=rng.randint(0, 3000))
        ends = rng.choice([None, decided + dt.timedelta(days=rng.randint(30, 2000))])
        kept = rng.choice([None, ends + dt.timedelta(days=rng.randint(0, 900))]) if ends else None
        make_record(
            rng.choice(subjects),
            openness=rng.choice(OPENNESS),
            info_class=rng.choice(CLASSES),
            kind=rng.choice(("bad", "good")),
            status=rng.choice(STATUSES),
            decided_on=decided,
            disclosure_ends_on=ends,
            retention_ends_on=kept,
        )
    codes = [
        catalog_item(openness=o, info_class=c, kind=k).code for o in OPENNESS for c in CLASSES for k in ("bad", "good")
    ]
    granted = frozenset(rng.sample(codes, rng.randint(1, len(codes))))
    kind = rng.choice((ViewerKind.SHARING, ViewerKind.AUTHORISED))
    viewer = Viewer(kind=kind, label="测试", organisation_id=1, items=granted, purpose="审查", basis="agreement:1")
    day = today + dt.timedelta(days=rng.randint(-400, 400))

    batch = records_disclosed_many(viewer=viewer, subjects=subjects, on=day)
    for subject in subjects:
        single = records_disclosed(viewer=viewer, subject=subject, on=day)
        assert [d.record.pk for d in batch[subject.pk]] == [d.record.pk for d in single]
        assert [d.decision for d in batch[subject.pk]] == [d.decision for d in single]
        for disclosed in batch[subject.pk]:
            assert disclosed.record.item_code in granted
            assert disclosed.record.status in ("active", "archived")
            if kind is ViewerKind.AUTHORISED:
                assert disclosed.record.item.openness != "sharing_only"


def test_the_batch_read_serves_granted_viewers_only(today: dt.date) -> None:
    with pytest.raises(ValueError, match="granted viewers"):
        records_disclosed_many(viewer=Viewer(kind=ViewerKind.PUBLIC, label="公众"), subjects=[])
