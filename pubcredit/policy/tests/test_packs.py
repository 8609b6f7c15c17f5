"""The shipped packs: they load, and their values match the regulation texts (RULES.md)."""

from __future__ import annotations

from datetime import date

import pytest

from pubcredit.policy import Param, get_policy
from pubcredit.policy.loader import load_packs
from pubcredit.policy.schema import KEYS, PLATFORM_DEFAULT

CITIES = ["xian", "nantong", "yuanbaoshan", "dalian", "shaoshan", "xinghualing"]
ON = date(2026, 11, 22)


def test_all_packs_load_and_cities_extend_national() -> None:
    packset = load_packs()
    assert packset.codes == ["dalian", "nantong", "national", "shaoshan", "xian", "xinghualing", "yuanbaoshan"]
    for code in CITIES:
        assert packset.packs[code].extends == "national"
    assert set(packset.packs["national"].entries) == set(KEYS)


@pytest.mark.parametrize("code", ["national", *CITIES])
def test_every_key_resolves_with_an_article(code: str) -> None:
    policy = get_policy(date(2019, 6, 1), pack=code)
    params = policy.params()
    assert [p.key for p in params] == list(KEYS)
    for param in params:
        assert param.article.strip(), param.key
        if param.is_platform_default:
            assert param.note, f"{param.key} is a platform default without a note"


@pytest.mark.parametrize("code", CITIES)
def test_city_articles_name_their_city(code: str) -> None:
    prefix = {
        "xian": "西安",
        "nantong": "南通",
        "yuanbaoshan": "元宝山",
        "dalian": "大连",
        "shaoshan": "韶山",
        "xinghualing": "杏花岭",
    }[code]
    for entry in load_packs().packs[code].entries.values():
        assert entry.article.startswith(prefix), (code, entry.key, entry.article)
        assert entry.article != PLATFORM_DEFAULT


def _param(code: str, key: str, on: date = ON) -> Param:
    return get_policy(on, pack=code).param(key)


def test_xian_values_match_the_regulation() -> None:
    first = _param("xian", "objection.first_check_wd")
    assert (first.value, first.article, first.pack) == (2, "西安 第二十九条", "xian")
    assert _param("xian", "objection.provider_answer_wd").value == 10
    assert _param("xian", "objection.provider_answer_wd").article == "西安 第三十条"
    assert _param("xian", "objection.forward_wd").value == 5
    assert _param("xian", "subjects.person_age_floor").value == 18
    assert _param("xian", "subjects.person_age_floor").article == "西安 第十条"
    assert _param("xian", "disclosure.person_info_public").value is False
    assert _param("xian", "objection.effect_while_open").value == "suspend"
    assert _param("xian", "repair.decision_wd").value == 15
    assert _param("xian", "disclosure.person_purge_after_years").value == 5
    assert _param("xian", "disclosure.bad_period_months").value is None


def test_nantong_values_match_the_regulation() -> None:
    effect = _param("nantong", "objection.effect_while_open")
    assert (effect.value, effect.article) == ("annotate", "南通 第十四条")
    assert _param("nantong", "objection.provider_answer_wd").value == 7
    assert _param("nantong", "objection.provider_overdue").value == "stop_query"
    assert _param("nantong", "disclosure.long_term_classes").value == ["registration", "qualification"]
    assert _param("nantong", "subjects.sole_trader_is_person").value is True
    assert _param("nantong", "subjects.person_residency_min_years").value == 1
    assert _param("nantong", "repair.excluded").value == ["intentional"]
    assert _param("nantong", "self_declaration.false_declaration_warning").value is True


def test_yuanbaoshan_values_match_the_regulation() -> None:
    period = _param("yuanbaoshan", "disclosure.bad_period_months")
    assert (period.value, period.article) == (60, "元宝山 第二十八条")
    assert get_policy(ON, pack="yuanbaoshan").codes("disclosure.bad_period_classes") == [
        "registration",
        "qualification",
        "commendation",
        "supervision",
        "judgment",
    ]
    assert _param("yuanbaoshan", "disclosure.hide_good_wd").value == 5
    assert _param("yuanbaoshan", "disclosure.subject_may_hide_good").value == "delete"
    assert _param("yuanbaoshan", "objection.total_wd").value == 20
    assert _param("yuanbaoshan", "objection.confirmed_disagree").value == "review"
    sanctions = _param("yuanbaoshan", "objection.sanctions_suspended_while_open")
    assert (sanctions.value, sanctions.article) == (True, "元宝山方案 五（八）")
    assert _param("yuanbaoshan", "repair.excluded").value == ["severe_list"]


def test_dalian_values_match_the_regulation() -> None:
    long_term = _param("dalian", "disclosure.long_term_classes")
    assert long_term.value == ["registration", "qualification", "commendation"]
    assert long_term.article == "大连 第十二条"
    assert _param("dalian", "disclosure.bad_period_classes").value == ["supervision", "judgment"]
    assert _param("dalian", "disclosure.bad_period_months").value == 60
    assert _param("dalian", "objection.first_check_wd").value == 3
    assert _param("dalian", "objection.applicant_notice_wd").value == 2
    assert _param("dalian", "collection.late_provider").value == "order_then_criticism"
    assert load_packs().packs["dalian"].effective_from == date(2016, 8, 1)


def test_shaoshan_is_a_two_year_trial() -> None:
    pack = load_packs().packs["shaoshan"]
    assert (pack.effective_from, pack.effective_to) == (date(2018, 1, 23), date(2020, 1, 22))
    assert pack.effective_article == "韶山 第二十一条"
    review = _param("shaoshan", "publication.double_review", on=date(2019, 1, 1))
    assert (review.value, review.article) == (True, "韶山 第十条")
