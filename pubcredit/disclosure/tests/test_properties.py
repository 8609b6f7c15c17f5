"""Property tests: whatever the viewer, record, pack and day, public disclosure stays safe.

A restricted or sharing-only item is never shown to a PUBLIC viewer, nor is anything past its
public period, archived, purged or withdrawn; purged content is shown to nobody. Checked on
`decide` alone and through `records_disclosed` on the database, whose SQL prefilter must agree
with `decide` in both directions.
"""

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubcredit.disclosure.rules import GONE_STATES, RecordFacts, decide, public_end
from pubcredit.disclosure.selectors.facts import facts_for
from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import get_policy
from pubcredit.records.models import Annotation, Record
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

PACKS = ("national", "xian", "nantong", "yuanbaoshan", "dalian", "shaoshan")
OPENNESS = ("public", "restricted", "sharing_only")
KINDS = ("basic", "good", "bad")
CLASSES = ("registration", "qualification", "commendation", "supervision", "judgment")
STATUSES = ("active", "archived", "purged", "withdrawn")
ITEMS = ("CF", "XK", "HONOR")

days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31))
optional_days = st.none() | days


@st.composite
def facts(draw: st.DrawFn) -> RecordFacts:
    kind = draw(st.sampled_from(KINDS))
    decided = draw(days)
    ends = draw(optional_days)
    return RecordFacts(
        record_id=draw(st.integers(1, 10**6)),
        item_code=draw(st.sampled_from(ITEMS)),
        openness=draw(st.sampled_from(OPENNESS)),
        info_class=draw(st.sampled_from(CLASSES)),
        kind=kind,
        tier=draw(st.sampled_from(("minor", "general", "severe"))) if kind == "bad" and draw(st.booleans()) else None,
        decided_on=decided,
        end_date=draw(st.none() | st.dates(min_value=decided, max_value=dt.date(2036, 1, 1))),
        status=draw(st.sampled_from(STATUSES)),
        disclosure_ends_on=ends,
        retention_ends_on=draw(st.none() | st.just(ends) | days) if ends else None,
        subject_kind=draw(st.sampled_from(("org", "person"))),
        subject_id=draw(st.integers(1, 3)),
        provider_id=draw(st.integers(1, 3)),
        open_objection=draw(st.booleans()),
        repaired=draw(st.booleans()),
        hidden_by_subject=draw(st.booleans()),
    )


viewers = st.builds(
    Viewer,
    kind=st.sampled_from(list(ViewerKind)),
    label=st.just("查询者"),
    subject_id=st.none() | st.integers(1, 3),
    organisation_id=st.none() | st.integers(1, 3),
    items=st.none() | st.frozensets(st.sampled_from(ITEMS)),
)


def assert_publicly_safe(record: RecordFacts, on: dt.date, pack: str, shown: bool) -> None:
    if not shown:
        return
    policy = get_policy(on=on, pack=pack)
    assert record.openness == "public"
    assert record.status == "active"
    assert record.disclosure_ends_on is None or on <= record.disclosure_ends_on
    end, _ = public_end(record, policy)
    assert end is None or on <= end
    if record.subject_kind == "person":
        assert policy.value("disclosure.person_info_public") is not False


@settings(max_examples=600, deadline=None)
@given(record=facts(), viewer=viewers, on=days, pack=st.sampled_from(PACKS))
def test_decide_never_leaks(record: RecordFacts, viewer: Viewer, on: dt.date, pack: str) -> None:
    decision = decide(record, viewer, on, get_policy(on=on, pack=pack))
    public = decide(record, Viewer(kind=ViewerKind.PUBLIC, label="公众"), on, get_policy(on=on, pack=pack))
    assert_publicly_safe(record, on, pack, public.shown)
    if viewer.kind is ViewerKind.PUBLIC:
        assert decision == public
    if record.status == "purged":
        assert not decision.shown
    if decision.shown and viewer.kind in (ViewerKind.AUTHORISED, ViewerKind.SHARING):
        assert record.item_code in (viewer.items or ())
        assert viewer.kind is ViewerKind.SHARING or record.openness != "sharing_only"
    if decision.shown and viewer.kind is ViewerKind.SUBJECT:
        assert viewer.subject_id == record.subject_id
    if public.state in GONE_STATES:
        assert not public.shown
    assert all(reason.text for reason in decision.reasons)


record_specs = st.lists(
    st.fixed_dictionaries(
        {
            "openness": st.sampled_from(OPENNESS),
            "kind": st.sampled_from(KINDS),
            "info_class": st.sampled_from(CLASSES),
            "status": st.sampled_from(STATUSES),
            "tier": st.sampled_from((None, "minor", "general", "severe")),
            "decided_on": st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2027, 1, 1)),
            "ends_after_days": st.none() | st.integers(0, 3000),
            "objection": st.booleans(),
            "repaired": st.booleans(),
        }
    ),
    min_size=1,
    max_size=6,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=record_specs,
    person=st.booleans(),
    on=st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2034, 1, 1)),
    pack=st.sampled_from(PACKS),
)
def test_records_disclosed_to_the_public_matches_decide(
    specs: list[dict[str, Any]], person: bool, on: dt.date, pack: str
) -> None:
    subject = PersonSubjectFactory.create() if person else OrgSubjectFactory.create()
    for spec in specs:
        ends = spec["ends_after_days"]
        record = make_record(
            subject,
            openness=spec["openness"],
            kind=spec["kind"],
            info_class=spec["info_class"],
            status=spec["status"],
            tier=spec["tier"],
            decided_on=spec["decided_on"],
            disclosure_ends_on=None if ends is None else spec["decided_on"] + dt.timedelta(days=ends),
        )
        for wanted, kind in ((spec["objection"], "objection"), (spec["repaired"], "repair")):
            if wanted:
                Annotation.objects.create(record=record, kind=kind, text="测试", created_by_label="测试")
    public = Viewer(kind=ViewerKind.PUBLIC, label="公众")
    with override_settings(PUBCREDIT_POLICY=pack):
        shown = records_disclosed(viewer=public, subject=subject, on=on)
        policy = get_policy(on=on)
        everything = list(Record.objects.filter(subject=subject).select_related("item"))
        expected = {
            fact.record_id
            for fact in facts_for(everything, hiding_allowed=True)
            if decide(fact, public, on, policy).shown
        }
    assert {entry.record.pk for entry in shown} == expected
    by_id = {fact.record_id: fact for fact in facts_for(everything, hiding_allowed=True)}
    for entry in shown:
        assert_publicly_safe(by_id[entry.record.pk], on, pack, True)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=record_specs,
    kind=st.sampled_from([k for k in ViewerKind if k is not ViewerKind.PUBLIC]),
    own=st.booleans(),
    grant=st.sampled_from(("all", "first", "none")),
    retention_days=st.none() | st.integers(0, 2000),
    on=st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2034, 1, 1)),
    pack=st.sampled_from(PACKS),
)
def test_records_disclosed_matches_decide_for_every_viewer(
    specs: list[dict[str, Any]],
    kind: ViewerKind,
    own: bool,
    grant: str,
    retention_days: int | None,
    on: dt.date,
    pack: str,
) -> None:
    """The ORM prefilter of every non-public viewer keeps exactly what `decide` shows."""
    subject = OrgSubjectFactory.create()
    providers, codes = [], []
    for spec in specs:
        ends = spec["ends_after_days"]
        end = None if ends is None else spec["decided_on"] + dt.timedelta(days=ends)
        record = make_record(
            subject,
            openness=spec["openness"],
            kind=spec["kind"],
            info_class=spec["info_class"],
            status=spec["status"],
            tier=spec["tier"],
            decided_on=spec["decided_on"],
            disclosure_ends_on=end,
            retention_ends_on=None if end is None or retention_days is None else end + dt.timedelta(retention_days),
        )
        providers.append(record.provider_id)
        codes.append(record.item_code)
    items = {"all": frozenset(codes), "first": frozenset(codes[:1]), "none": frozenset()}[grant]
    viewer = Viewer(
        kind=kind,
        label="查询者",
        subject_id=subject.pk if own else subject.pk + 1,
        organisation_id=providers[0] if own else None,
        items=items,
    )
    with override_settings(PUBCREDIT_POLICY=pack):
        shown = records_disclosed(viewer=viewer, subject=subject, on=on)
        policy = get_policy(on=on)
        everything = list(Record.objects.filter(subject=subject).select_related("item"))
        expected = {
            fact.record_id
            for fact in facts_for(everything, hiding_allowed=True)
            if decide(fact, viewer, on, policy).shown
        }
    assert {entry.record.pk for entry in shown} == expected
    assert all(entry.record.status not in ("purged", "withdrawn") for entry in shown)
