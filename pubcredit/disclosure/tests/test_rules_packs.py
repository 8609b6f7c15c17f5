"""The decision under each pack: the differences between jurisdictions, by article."""

import datetime as dt
from dataclasses import replace

from pubcredit.catalog.models import CatalogItem
from pubcredit.disclosure.rules import RecordFacts, decide
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import get_policy
from pubcredit.records.rules import disclosure_period

PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")
SUBJECT = Viewer(kind=ViewerKind.SUBJECT, label="本人", subject_id=7)
OPERATOR = Viewer(kind=ViewerKind.OPERATOR, label="信用中心")
DAY = dt.date(2025, 6, 10)  # before the national tiers

BASE = RecordFacts(
    record_id=1,
    item_code="CF",
    openness="public",
    info_class="supervision",
    kind="bad",
    tier=None,
    decided_on=dt.date(2025, 1, 10),
    end_date=None,
    status="active",
    disclosure_ends_on=None,
    retention_ends_on=None,
    subject_kind="org",
    subject_id=7,
    provider_id=3,
)


def under(pack: str, facts: RecordFacts, viewer: Viewer = PUBLIC, on: dt.date = DAY):
    return decide(facts, viewer, on, get_policy(on=on, pack=pack))


def test_xian_person_info_is_not_public():
    facts = replace(BASE, subject_kind="person")
    decision = under("xian", facts)
    assert not decision.shown and decision.state == "restricted"
    assert (decision.reasons[0].key, decision.reasons[0].article) == ("disclosure.person_info_public", "西安 第十七条")
    own = under("xian", facts, SUBJECT)
    assert own.shown and "非公开信息" in own.annotations


def test_yuanbaoshan_person_public_item_is_shown():
    assert under("yuanbaoshan", replace(BASE, subject_kind="person")).shown


def test_restricted_item_never_public_but_subject_sees_it():
    facts = replace(BASE, openness="restricted")
    assert under("nantong", facts).state == "restricted"
    assert under("nantong", facts, SUBJECT).shown


def _stored(pack: str, info_class: str, decided_on: dt.date, tier: str | None = None) -> RecordFacts:
    item = CatalogItem(code="CF", version=1, legal_basis="", period_rule={"mode": "pack"})
    period = disclosure_period(
        item=item,
        kind="bad",
        info_class=info_class,
        tier=tier,
        decided_on=decided_on,
        end_date=decided_on,
        subject_kind="org",
        policy=get_policy(on=decided_on, pack=pack),
    )
    return replace(
        BASE,
        info_class=info_class,
        tier=tier,
        decided_on=decided_on,
        end_date=decided_on,
        disclosure_ends_on=period.ends_on,
        retention_ends_on=period.retention_ends_on,
    )


def test_dalian_long_term_classes_against_five_years():
    registration = _stored("dalian", "registration", dt.date(2020, 3, 1))
    supervision = _stored("dalian", "supervision", dt.date(2020, 3, 1))
    assert registration.disclosure_ends_on is None
    assert supervision.disclosure_ends_on == dt.date(2025, 3, 1)
    late = dt.date(2025, 3, 2)
    assert under("dalian", registration, on=late).shown
    expired = under("dalian", supervision, on=late)
    assert expired.state == "expired"
    assert under("dalian", supervision, on=dt.date(2025, 3, 1)).shown


def test_national_cap_prevails_for_public_but_city_period_for_authorised_queries():
    decided = dt.date(2026, 5, 4)
    facts = _stored("dalian", "supervision", decided, tier="severe")
    assert facts.disclosure_ends_on == dt.date(2029, 5, 4)  # 36 months (national)
    assert facts.retention_ends_on == dt.date(2031, 5, 4)  # 60 months (大连 第十二条)
    on = dt.date(2030, 1, 1)
    public = under("dalian", facts, on=on)
    assert public.state == "expired"
    authorised = Viewer(kind=ViewerKind.AUTHORISED, label="银行", items=frozenset({"CF"}), purpose="贷款审查")
    assert under("dalian", facts, authorised, on=on).shown
    assert not under("dalian", facts, authorised, on=dt.date(2031, 5, 5)).shown


def test_cap_in_force_on_the_day_asked_overrides_a_longer_stored_period():
    """A record stored before 2026-04-01 with the city's 5 years is capped from that day on."""
    facts = _stored("yuanbaoshan", "supervision", dt.date(2025, 3, 1), tier="severe")
    assert facts.disclosure_ends_on == dt.date(2030, 3, 1)
    before = under("yuanbaoshan", facts, on=dt.date(2026, 3, 31))
    assert before.shown
    after = under("yuanbaoshan", facts, on=dt.date(2028, 3, 2))
    assert after.state == "expired"
    won = after.reasons[0]
    assert (won.key, won.pack) == ("disclosure.tier_max_months.severe", "national")
    assert "全国规定为准" in won.text
    assert under("yuanbaoshan", facts, on=dt.date(2028, 3, 1)).shown


def test_objection_suspends_in_xian_and_dalian_and_annotates_in_nantong_and_yuanbaoshan():
    facts = replace(BASE, open_objection=True)
    for pack in ("xian", "dalian"):
        decision = under(pack, facts)
        assert (decision.shown, decision.state) == (False, "suspended")
    for pack in ("nantong", "yuanbaoshan"):
        decision = under(pack, facts)
        assert decision.shown and "异议处理中" in decision.annotations
    own = under("xian", facts, SUBJECT)
    assert own.shown and "异议处理期间暂停公开" in own.annotations


def test_a_provider_overdue_on_an_objection_stops_the_record_being_offered():
    """南通 第十四条: the platform no longer offers the record for query once the provider missed
    its verification deadline, although 南通 otherwise annotates records under objection."""
    facts = replace(BASE, open_objection=True, objection_overdue=True)
    decision = under("nantong", facts)
    assert (decision.shown, decision.state) == (False, "suspended")
    cited = [(reason.key, reason.article) for reason in decision.reasons]
    assert ("objection.provider_overdue", "南通 第十四条") in cited
    assert under("nantong", replace(facts, objection_overdue=False)).shown
    assert under("nantong", facts, SUBJECT).shown


def test_repair_withholds_in_xian_annotates_in_yuanbaoshan_notes_in_nantong():
    facts = replace(BASE, repaired=True)
    xian = under("xian", facts)
    assert (xian.shown, xian.state) == (False, "repaired")
    assert any(r.key == "repair.after_repair" and r.article == "西安 第三十二条" for r in xian.reasons)
    yuanbaoshan = under("yuanbaoshan", facts)
    assert yuanbaoshan.shown and "已信用修复" in yuanbaoshan.annotations
    nantong = under("nantong", facts)
    assert nantong.shown and "已信用修复" not in nantong.annotations
    assert "已信用修复" in under("nantong", facts, SUBJECT).annotations


def test_good_info_hidden_at_the_subjects_request_where_the_pack_allows():
    facts = replace(BASE, kind="good", info_class="commendation", hidden_by_subject=True)
    assert under("xian", facts).state == "hidden_by_subject"
    assert under("yuanbaoshan", facts).state == "hidden_by_subject"
    assert under("nantong", facts).shown  # no such right in 南通
    assert under("xian", facts, SUBJECT).shown


def test_archived_purged_and_withdrawn():
    archived = replace(BASE, status="archived")
    assert under("xian", archived).state == "archived"
    assert under("xian", archived, SUBJECT).shown
    for status in ("purged", "withdrawn"):
        for viewer in (PUBLIC, SUBJECT, OPERATOR):
            assert not under("xian", replace(BASE, status=status), viewer).shown


def test_history_only_for_the_subject_and_staff():
    assert not under("xian", BASE).history_visible
    assert under("xian", BASE, SUBJECT).history_visible
    assert under("xian", BASE, OPERATOR).history_visible


def test_viewer_scopes():
    sharing_only = replace(BASE, openness="sharing_only")
    sharing = Viewer(kind=ViewerKind.SHARING, label="住建局", items=frozenset({"CF"}))
    authorised = Viewer(kind=ViewerKind.AUTHORISED, label="银行", items=frozenset({"CF"}))
    assert under("xian", sharing_only, sharing).shown
    assert not under("xian", sharing_only, authorised).shown
    assert not under("xian", BASE, replace(authorised, items=frozenset({"XK"}))).shown
    other = Viewer(kind=ViewerKind.SUBJECT, label="他人", subject_id=8)
    assert under("xian", BASE, other).state == "out_of_scope"
    provider = Viewer(kind=ViewerKind.PROVIDER, label="市场监管局", organisation_id=3)
    assert under("xian", replace(BASE, openness="restricted"), provider).shown
    assert not under("xian", BASE, replace(provider, organisation_id=4)).shown
    operator = under("xian", replace(BASE, open_objection=True), OPERATOR)
    assert operator.shown and operator.state == "suspended"


def test_xian_person_queries_end_after_five_years_from_the_period_start():
    facts = replace(BASE, subject_kind="person", end_date=dt.date(2020, 2, 29), decided_on=dt.date(2020, 1, 6))
    authorised = Viewer(kind=ViewerKind.AUTHORISED, label="银行", items=frozenset({"CF"}))
    assert under("xian", facts, authorised, on=dt.date(2025, 2, 28)).shown
    late = under("xian", facts, authorised, on=dt.date(2025, 3, 1))
    assert late.state == "expired"
    assert (late.reasons[0].key, late.reasons[0].article) == ("disclosure.person_purge_after_years", "西安 第二十二条")
    assert under("nantong", facts, authorised, on=dt.date(2025, 3, 1)).shown  # no such limit in 南通
    assert under("xian", replace(facts, subject_kind="org"), authorised, on=dt.date(2025, 3, 1)).shown


def test_a_repair_ends_sharing_everywhere_and_publicity_as_the_pack_says():
    """Repair ends government sharing in every pack (repair.stops_sharing; the national texts from
    2026-04-01), while its public effect follows the pack: withheld in 西安, annotated in 元宝山,
    noted in the database only in 南通 (so still public there)."""
    sharing = Viewer(kind=ViewerKind.SHARING, label="住建局", items=frozenset({"CF"}))
    authorised = Viewer(kind=ViewerKind.AUTHORISED, label="银行", items=frozenset({"CF"}))
    facts = replace(BASE, repaired=True)
    for on, article in ((DAY, "平台默认"), (dt.date(2026, 5, 1), "国办发〔2025〕22号、发展改革委令2025年第36号")):
        for pack in ("xian", "nantong", "yuanbaoshan", "dalian", "shaoshan"):
            decision = under(pack, facts, sharing, on=on)
            assert (decision.shown, decision.state) == (False, "repaired"), pack
            cited = {(reason.key, reason.article) for reason in decision.reasons}
            withheld_anyway = under(pack, facts, on=on).state == "repaired"  # repair.after_repair = withhold
            assert withheld_anyway or ("repair.stops_sharing", article) in cited, pack
    assert under("nantong", facts).shown and under("yuanbaoshan", facts).shown
    assert not under("xian", facts).shown
    assert under("nantong", facts, authorised).shown  # the subject's own authorisation is not sharing
    assert under("nantong", replace(facts, repaired=False), sharing).shown
