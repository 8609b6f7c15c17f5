"""A broken pack is refused with one English sentence naming the file and the key."""

from __future__ import annotations

import re

import pytest

from pubcredit.core.errors import ConfigurationError
from pubcredit.policy.loader import check_packs, load_packs
from pubcredit.policy.tests.packfiles import PackWriter, shipped


def _refusal(pack_dir: PackWriter, **files: str | None) -> str:
    folder = pack_dir(**files)
    with pytest.raises(ConfigurationError) as caught:
        load_packs(folder)
    return str(caught.value)


def _path(pack_dir: PackWriter, code: str) -> str:
    return str(pack_dir() / f"{code}.toml")


def test_typo_in_a_key_names_file_key_and_suggestion(pack_dir: PackWriter) -> None:
    text = shipped("xian").replace("[objection.provider_answer_wd]", "[objection.provder_answer_wd]")
    message = _refusal(pack_dir, xian=text)
    assert message == (
        f"{_path(pack_dir, 'xian')}: unknown key 'objection.provder_answer_wd' "
        "(did you mean 'objection.provider_answer_wd'?)"
    )


def test_shipped_packs_are_named_relative_to_the_project() -> None:
    from pubcredit.policy.loader import PACKS_DIR, display_path

    assert display_path(PACKS_DIR / "xian.toml") == "pubcredit/policy/packs/xian.toml"


def test_typo_in_a_section_names_the_whole_key(pack_dir: PackWriter) -> None:
    text = shipped("xian").replace("[objection.first_check_wd]", "[objektion.first_check_wd]")
    assert "unknown key 'objektion.first_check_wd' (did you mean 'objection.first_check_wd'?)" in _refusal(
        pack_dir, xian=text
    )


def test_wrong_type_is_refused(pack_dir: PackWriter) -> None:
    text = shipped("xian").replace("value = 10\n", 'value = "10"\n')
    message = _refusal(pack_dir, xian=text)
    assert message.startswith(_path(pack_dir, "xian") + ": ")
    assert "key 'objection.provider_answer_wd' must be a non-negative integer" in message


def test_bool_is_not_an_integer(pack_dir: PackWriter) -> None:
    text = shipped("xian").replace("value = 10\n", "value = true\n")
    assert "key 'objection.provider_answer_wd' must be a non-negative integer" in _refusal(pack_dir, xian=text)


def test_missing_article_is_refused(pack_dir: PackWriter) -> None:
    text = shipped("xian").replace('value = 10\narticle = "西安 第三十条"\n', "value = 10\n")
    message = _refusal(pack_dir, xian=text)
    assert re.match(
        re.escape(_path(pack_dir, "xian")) + r": key 'objection.provider_answer_wd' has no article", message
    )


def test_unknown_enum_value_is_refused(pack_dir: PackWriter) -> None:
    text = shipped("nantong").replace(
        'value = "annotate"\narticle = "南通 第十四条"', 'value = "hide"\narticle = "南通 第十四条"'
    )
    message = _refusal(pack_dir, nantong=text)
    assert f"{_path(pack_dir, 'nantong')}: key 'objection.effect_while_open' has unknown value 'hide'" in message
    assert "allowed: 'suspend', 'annotate'" in message


def test_unknown_class_code_in_a_list_is_refused(pack_dir: PackWriter) -> None:
    text = shipped("dalian").replace('"commendation"]', '"honours"]')
    assert "key 'disclosure.long_term_classes' has unknown value 'honours'" in _refusal(pack_dir, dalian=text)


def test_unset_is_only_for_keys_that_may_be_none(pack_dir: PackWriter) -> None:
    text = shipped("dalian").replace(
        "[query_log.retention_years]\nvalue = 5", "[query_log.retention_years]\nunset = true"
    )
    assert "key 'query_log.retention_years' cannot be unset" in _refusal(pack_dir, dalian=text)


def test_platform_default_needs_a_note(pack_dir: PackWriter) -> None:
    text = shipped("shaoshan") + '\n[repair.decision_wd]\nvalue = 9\narticle = "平台默认"\n'
    assert "key 'repair.decision_wd' uses article \"平台默认\" without a note" in _refusal(pack_dir, shaoshan=text)


def test_national_must_set_every_key(pack_dir: PackWriter) -> None:
    text = shipped("national").replace("[objection.review_wd]", "[objection.review_wd_removed]")
    problems = check_packs(pack_dir(national=text))[1]
    assert any("national.toml: missing key 'objection.review_wd'" in p for p in problems)


def test_a_city_must_extend_national(pack_dir: PackWriter) -> None:
    text = shipped("dalian").replace('extends = "national"', 'extends = "xian"')
    assert "key 'pack.extends' must be 'national', not 'xian'" in _refusal(pack_dir, dalian=text)


def test_code_must_match_the_file_name(pack_dir: PackWriter) -> None:
    assert "key 'pack.code' is 'dalian' but the file is named 'dl.toml'" in _refusal(pack_dir, dl=shipped("dalian"))


def test_a_change_outside_the_pack_dates_is_refused(pack_dir: PackWriter) -> None:
    text = (
        shipped("shaoshan")
        + '\n[[changes]]\nfrom = 2021-01-01\n[changes.objection.forward_wd]\nvalue = 1\narticle = "韶山 第十五条"\n'
    )
    assert "key 'changes.from' in [[changes]] from 2021-01-01 is outside the pack's effective dates" in _refusal(
        pack_dir, shaoshan=text
    )


def test_a_typo_inside_a_change_names_the_change(pack_dir: PackWriter) -> None:
    text = shipped("national").replace(
        "[changes.disclosure.tier_max_months.minor]", "[changes.disclosure.tier_max_month.minor]"
    )
    message = _refusal(pack_dir, national=text)
    assert "unknown key 'disclosure.tier_max_month.minor' in [[changes]] from 2026-04-01" in message
    assert "(did you mean 'disclosure.tier_max_months.minor'?)" in message


def test_invalid_toml_and_missing_baseline(pack_dir: PackWriter) -> None:
    assert f"{_path(pack_dir, 'xian')}: not valid TOML" in _refusal(pack_dir, xian="[pack\ncode = 1")
    assert "no national.toml" in _refusal(pack_dir, xian=shipped("xian"), national=None)


def test_several_problems_are_all_listed_by_check(pack_dir: PackWriter) -> None:
    folder = pack_dir(
        xian=shipped("xian").replace("value = 10\n", 'value = "ten"\n'),
        dalian=shipped("dalian").replace("[objection.first_check_wd]", "[objection.first_chek_wd]"),
    )
    packs, problems = check_packs(folder)
    assert len(problems) == 2
    assert set(packs) == {"national", "nantong", "shaoshan", "xinghualing", "yuanbaoshan"}
    with pytest.raises(ConfigurationError, match=r"\(and 1 more; run `pubcredit policy check`\)$"):
        load_packs(folder)
