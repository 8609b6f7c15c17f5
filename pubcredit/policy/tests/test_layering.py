"""Layering city over national, dated changes, effective ranges and the typed accessors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from pubcredit.core.errors import ConfigurationError
from pubcredit.policy import get_policy
from pubcredit.policy.tests.packfiles import PackWriter, shipped

TIER_KEYS = [f"disclosure.tier_{b}_months.{t}" for b in ("min", "max") for t in ("minor", "general", "severe")]


def test_city_value_overrides_and_absent_value_inherits_national() -> None:
    policy = get_policy(date(2026, 11, 22), pack="xian")
    assert (policy.code, policy.name, policy.in_force) == ("xian", "西安市", True)
    own = policy.param("objection.provider_answer_wd")
    assert (own.value, own.pack, own.article) == (10, "xian", "西安 第三十条")
    inherited = policy.param("objection.review_wd")
    assert (inherited.value, inherited.pack) == (None, "national")
    assert policy.param("collection.dual_publicity_wd").pack == "national"


def test_default_pack_comes_from_settings() -> None:
    with override_settings(PUBCREDIT_POLICY="dalian"):
        assert get_policy(date(2026, 11, 22)).code == "dalian"


def test_unknown_configured_pack_names_the_setting_and_the_choices() -> None:
    with override_settings(PUBCREDIT_POLICY="foo"), pytest.raises(ConfigurationError) as caught:
        get_policy(date(2026, 11, 22))
    assert str(caught.value) == (
        "Unknown policy pack 'foo' (PUBCREDIT_POLICY); "
        "available: dalian, nantong, national, shaoshan, xian, xinghualing, yuanbaoshan"
    )


@pytest.mark.parametrize("code", ["national", "xian", "dalian"])
def test_national_tiers_start_on_2026_04_01(code: str) -> None:
    before = get_policy(date(2026, 3, 31), pack=code)
    after = get_policy(date(2026, 4, 1), pack=code)
    assert [before.value(key) for key in TIER_KEYS] == [None] * 6
    assert [after.value(key) for key in TIER_KEYS] == [0, 3, 12, 3, 12, 36]
    severe = after.param("disclosure.tier_max_months.severe")
    assert severe.since == date(2026, 4, 1)
    assert severe.pack == "national"
    assert "国办发〔2025〕22号" in severe.article
    assert before.flag("repair.after_tier_min_period") is False
    assert after.flag("repair.after_tier_min_period") is True


def test_city_outside_its_dates_gives_national_values() -> None:
    during = get_policy(date(2020, 1, 22), pack="shaoshan")
    after = get_policy(date(2020, 1, 23), pack="shaoshan")
    before = get_policy(date(2018, 1, 22), pack="shaoshan")
    assert during.in_force and during.param("publication.double_review").pack == "shaoshan"
    for policy in (after, before):
        assert (policy.code, policy.in_force) == ("shaoshan", False)
        assert {p.pack for p in policy.params()} == {"national"}
        assert policy.value("publication.double_review") is False
    dalian_before = get_policy(date(2016, 7, 31), pack="dalian")
    assert dalian_before.value("disclosure.bad_period_months") is None
    assert get_policy(date(2016, 8, 1), pack="dalian").value("disclosure.bad_period_months") == 60


def test_a_city_dated_change_applies_from_its_day(pack_dir: PackWriter) -> None:
    text = shipped("dalian") + (
        '\n[[changes]]\nfrom = 2027-01-01\nnote = "修订"\n\n'
        '[changes.objection.first_check_wd]\nvalue = 4\narticle = "大连 第十六条（修订）"\n'
    )
    folder = pack_dir(dalian=text)
    assert get_policy(date(2026, 12, 31), pack="dalian", directory=folder).value("objection.first_check_wd") == 3
    changed = get_policy(date(2027, 1, 1), pack="dalian", directory=folder).param("objection.first_check_wd")
    assert (changed.value, changed.article, changed.since, changed.note) == (
        4,
        "大连 第十六条（修订）",
        date(2027, 1, 1),
        "修订",
    )


def test_aware_datetime_is_read_as_the_local_date() -> None:
    # 2026-03-31 17:00 UTC is already 2026-04-01 in Shanghai.
    moment = datetime(2026, 3, 31, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert get_policy(moment, pack="national").on == date(2026, 4, 1)
    assert get_policy(moment, pack="national").value("disclosure.tier_max_months.minor") == 3


def test_list_values_cannot_be_changed_through_the_cache() -> None:
    policy = get_policy(date(2026, 11, 22), pack="dalian")
    classes = policy.codes("disclosure.long_term_classes")
    classes.append("judgment")
    again = get_policy(date(2026, 11, 22), pack="dalian")
    assert again.value("disclosure.long_term_classes") == ["registration", "qualification", "commendation"]


def test_typed_accessors_check_the_kind() -> None:
    policy = get_policy(date(2026, 11, 22), pack="xian")
    assert policy.integer("objection.first_check_wd") == 2
    assert policy.integer("objection.total_wd") is None
    assert policy.text("objection.effect_while_open") == "suspend"
    assert policy.flag("disclosure.person_info_public") is False
    with pytest.raises(TypeError):
        policy.integer("disclosure.person_info_public")
    with pytest.raises(TypeError):
        policy.text("objection.first_check_wd")
    with pytest.raises(KeyError, match=r"did you mean 'objection\.provider_answer_wd'"):
        policy.value("objection.provder_answer_wd")


def test_packs_are_parsed_once_and_reread_after_a_cache_reset(pack_dir: PackWriter) -> None:
    from pubcredit.policy.loader import load_packs
    from pubcredit.policy.tests.packfiles import reset_policy_cache

    folder = pack_dir()
    assert load_packs(folder) is load_packs(folder)
    (folder / "xian.toml").write_text(shipped("xian").replace("value = 10\n", "value = 12\n"), encoding="utf-8")
    assert get_policy(date(2026, 1, 5), pack="xian", directory=folder).value("objection.provider_answer_wd") == 10
    reset_policy_cache()
    assert get_policy(date(2026, 1, 5), pack="xian", directory=folder).value("objection.provider_answer_wd") == 12


def test_a_new_city_is_one_toml_file(pack_dir: PackWriter, tmp_path: Path) -> None:
    folder = pack_dir(
        demo=(
            '[pack]\ncode = "demo"\nname = "示例市"\ntitle = "示例市公共信用信息管理办法"\n'
            'extends = "national"\neffective_from = 2025-01-01\n\n'
            '[objection.provider_answer_wd]\nvalue = 8\narticle = "示例 第九条"\n'
        )
    )
    policy = get_policy(date(2025, 6, 1), pack="demo", directory=folder)
    assert (policy.name, policy.value("objection.provider_answer_wd")) == ("示例市", 8)
    assert policy.param("objection.first_check_wd").pack == "national"
