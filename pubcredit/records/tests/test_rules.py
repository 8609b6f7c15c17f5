import datetime as dt
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.policy import get_policy
from pubcredit.records.rules import add_months, disclosure_period, tiers_in_force

BEFORE_TIERS = dt.date(2025, 3, 10)
AFTER_TIERS = dt.date(2026, 5, 10)
PACKS = ["national", "xian", "nantong", "yuanbaoshan", "dalian", "shaoshan"]
CLASSES = ["registration", "qualification", "commendation", "supervision", "judgment"]


@dataclass
class Item:
    period_rule: dict = field(default_factory=lambda: {"mode": "pack"})
    code: str = "CF"
    version: int = 1
    legal_basis: str = "元宝山 第七条（五）"


def decide(
    pack, *, item=None, kind="bad", info_class="supervision", tier=None, decided_on, end_date=None, subject_kind="org"
):
    return disclosure_period(
        item=item or Item(),
        kind=kind,
        info_class=info_class,
        tier=tier,
        decided_on=decided_on,
        end_date=end_date,
        subject_kind=subject_kind,
        policy=get_policy(on=decided_on, pack=pack),
    )


def keys(decision):
    return [b["key"] for b in decision.basis]


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(dt.date(2024, 3, 15), 60) == dt.date(2029, 3, 15)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)


def test_xian_bad_information_follows_the_catalogue_from_the_end_date():
    item = Item(period_rule={"mode": "pack", "catalogue_months": 36})
    decision = decide("xian", item=item, decided_on=BEFORE_TIERS, end_date=dt.date(2025, 4, 1))
    assert decision.ends_on == dt.date(2028, 4, 1)
    assert decision.retention_ends_on == dt.date(2028, 4, 1)
    assert keys(decision) == ["disclosure.period_start", "catalog.CF.v1.period_rule"]
    assert decision.basis[0]["article"].startswith("西安 第二十一条")
    assert "认定终止之日" in decision.summary


def test_xian_months_item_rule_prevails_over_nothing():
    item = Item(period_rule={"mode": "months", "months": 24})
    decision = decide("xian", item=item, decided_on=BEFORE_TIERS)
    assert decision.ends_on == dt.date(2027, 3, 10)  # no end date: from the decision
    assert decision.basis[0]["note"] == "未提供认定终止之日，自决定之日起算"


def test_yuanbaoshan_sixty_months_from_the_end_of_the_act():
    decision = decide("yuanbaoshan", decided_on=BEFORE_TIERS, end_date=dt.date(2025, 3, 20))
    assert decision.ends_on == dt.date(2030, 3, 20)
    assert "disclosure.bad_period_months" in keys(decision)
    assert any("元宝山 第二十八条" in b["article"] for b in decision.basis)


def test_dalian_registration_is_long_term_and_supervision_five_years():
    registration = decide("dalian", info_class="registration", kind="basic", decided_on=BEFORE_TIERS)
    assert registration.ends_on is None and registration.retention_ends_on is None
    assert keys(registration) == ["disclosure.long_term_classes"]
    assert "大连 第十二条" in registration.basis[0]["article"]
    # even bad information of a long-term class
    qualification_bad = decide("dalian", info_class="qualification", decided_on=BEFORE_TIERS)
    assert qualification_bad.ends_on is None
    supervision = decide("dalian", info_class="supervision", decided_on=BEFORE_TIERS, end_date=BEFORE_TIERS)
    assert supervision.ends_on == dt.date(2030, 3, 10)


def test_nantong_registration_long_term_but_not_commendation():
    assert decide("nantong", info_class="registration", kind="basic", decided_on=BEFORE_TIERS).ends_on is None
    good = decide("nantong", info_class="commendation", kind="good", decided_on=BEFORE_TIERS)
    assert good.ends_on is None and keys(good) == ["record.kind"]


def test_national_cap_prevails_for_public_disclosure_after_2026_04_01():
    decision = decide("yuanbaoshan", tier="severe", decided_on=AFTER_TIERS, end_date=AFTER_TIERS)
    assert decision.ends_on == dt.date(2029, 5, 10)  # 36 months, national 严重 maximum
    assert decision.retention_ends_on == dt.date(2031, 5, 10)  # the city's 60 months
    cap = [b for b in decision.basis if b.get("prevails")]
    assert cap and cap[0]["key"] == "disclosure.tier_max_months.severe" and cap[0]["value"] == 36
    assert "全国" in decision.summary and "保存" in decision.summary


def test_general_tier_cap_and_minor_tier_cap():
    general = decide("dalian", tier="general", decided_on=AFTER_TIERS, end_date=AFTER_TIERS)
    assert general.ends_on == dt.date(2027, 5, 10)
    minor = decide("xian", tier="minor", decided_on=AFTER_TIERS, end_date=AFTER_TIERS)
    assert minor.ends_on == dt.date(2026, 8, 10)  # no city or item value: the tier maximum itself
    assert keys(minor) == ["disclosure.period_start", "disclosure.tier_max_months.minor"]


def test_cap_does_not_apply_before_the_national_tiers():
    decision = decide("yuanbaoshan", tier="severe", decided_on=BEFORE_TIERS, end_date=BEFORE_TIERS)
    assert decision.ends_on == decision.retention_ends_on == dt.date(2030, 3, 10)
    assert not tiers_in_force(get_policy(on=BEFORE_TIERS, pack="yuanbaoshan"))
    assert tiers_in_force(get_policy(on=AFTER_TIERS, pack="yuanbaoshan"))


def test_xian_persons_information_is_kept_five_years_whatever_its_period():
    """西安 第二十二条: a person's information is queried for five years, then deleted; the stored
    ends say so, so that the expiry sweep purges it then, long-term items included."""
    for item, kind in ((Item(period_rule={"mode": "long_term"}), "bad"), (Item(), "basic"), (Item(), "good")):
        decision = decide("xian", item=item, kind=kind, decided_on=BEFORE_TIERS, subject_kind="person")
        assert (decision.ends_on, decision.retention_ends_on) == (dt.date(2030, 3, 10), dt.date(2030, 3, 10))
        assert keys(decision)[-1] == "disclosure.person_purge_after_years"
        assert "西安 第二十二条" in decision.summary
    longer = Item(period_rule={"mode": "months", "months": 120})
    person = decide("xian", item=longer, decided_on=BEFORE_TIERS, subject_kind="person")
    assert person.retention_ends_on == dt.date(2030, 3, 10)
    organisation = decide("xian", item=longer, decided_on=BEFORE_TIERS)
    assert organisation.retention_ends_on == dt.date(2035, 3, 10)
    shorter = decide("xian", item=Item(period_rule={"mode": "months", "months": 24}), decided_on=BEFORE_TIERS)
    assert (
        decide(
            "xian",
            item=Item(period_rule={"mode": "months", "months": 24}),
            decided_on=BEFORE_TIERS,
            subject_kind="person",
        ).retention_ends_on
        == shorter.retention_ends_on
    )


def test_yuanbaoshan_deletes_persons_bad_information_at_the_end_of_its_period_only():
    """元宝山 第二十八条 deletes a person's bad information when its five years end; it sets no
    limit on other information, which stays long-term."""
    bad = decide("yuanbaoshan", decided_on=BEFORE_TIERS, end_date=dt.date(2025, 3, 20), subject_kind="person")
    assert bad.retention_ends_on == dt.date(2030, 3, 20)
    good = decide("yuanbaoshan", kind="good", info_class="commendation", decided_on=BEFORE_TIERS, subject_kind="person")
    assert (good.ends_on, good.retention_ends_on) == (None, None)


def test_item_long_term_rule():
    decision = decide("yuanbaoshan", item=Item(period_rule={"mode": "long_term"}), decided_on=AFTER_TIERS)
    assert decision.ends_on is None
    assert keys(decision) == ["catalog.CF.v1.period_rule"]


dates = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2030, 12, 31))
rules = st.sampled_from(
    [
        {"mode": "pack"},
        {"mode": "pack", "catalogue_months": 36},
        {"mode": "months", "months": 6},
        {"mode": "months", "months": 120},
        {"mode": "long_term"},
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    pack=st.sampled_from(PACKS),
    rule=rules,
    kind=st.sampled_from(["basic", "good", "bad"]),
    info_class=st.sampled_from(CLASSES),
    tier=st.sampled_from([None, "minor", "general", "severe"]),
    decided_on=dates,
    gap=st.integers(min_value=0, max_value=2000),
    has_end=st.booleans(),
    subject_kind=st.sampled_from(["org", "org", "person"]),
)
def test_period_invariants(pack, rule, kind, info_class, tier, decided_on, gap, has_end, subject_kind):
    tier = tier if kind == "bad" else None
    end_date = decided_on + dt.timedelta(days=gap) if has_end else None
    policy = get_policy(on=decided_on, pack=pack)
    decision = disclosure_period(
        item=Item(period_rule=rule),
        kind=kind,
        info_class=info_class,
        tier=tier,
        decided_on=decided_on,
        end_date=end_date,
        subject_kind=subject_kind,
        policy=policy,
    )
    assert decision.basis and decision.summary
    if subject_kind == "person" and policy.value("disclosure.person_purge_after_years"):
        start = end_date if end_date and policy.value("disclosure.period_start") == "end_date" else decided_on
        limit = add_months(start, 12 * policy.value("disclosure.person_purge_after_years"))
        assert decision.retention_ends_on is not None and decision.retention_ends_on <= limit
        assert decision.ends_on is not None and decision.ends_on <= decision.retention_ends_on
        return
    if info_class in (policy.value("disclosure.long_term_classes") or []) or rule["mode"] == "long_term":
        assert decision.ends_on is None and decision.retention_ends_on is None
        return
    if decision.ends_on is None:
        assert decision.retention_ends_on is None
        return
    assert decision.ends_on >= decided_on
    if end_date is not None and policy.value("disclosure.period_start") == "end_date":
        assert decision.ends_on >= end_date
    assert decision.retention_ends_on is not None and decision.retention_ends_on >= decision.ends_on
    if kind == "bad" and tier is not None:
        cap = policy.value(f"disclosure.tier_max_months.{tier}")
        if cap is not None:
            start = end_date if end_date and policy.value("disclosure.period_start") == "end_date" else decided_on
            assert decision.ends_on <= add_months(start, cap)
