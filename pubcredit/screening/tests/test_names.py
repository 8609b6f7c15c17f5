"""Names taken apart and scored: each variant a clerk types meets the registered name."""

from __future__ import annotations

import pytest

from pubcredit.screening.names import parse_name
from pubcredit.screening.scoring import MATCH_SCORE, POSSIBLE_SCORE, score_names

REGISTERED = "西安华信科技有限公司"
LONGER = "西安华信科技发展有限公司"


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("华信科技（西安）有限公司", "region in brackets after the core"),
        ("华信(西安)科技有限公司", "region moved inside, half-width brackets"),
        ("西安市华信科技有限公司", "region with its 市 suffix"),
        ("华信科技西安有限公司", "region before the legal form"),
        ("西安华信科技有限责任公司", "suffix changed"),
        ("西安華信科技有限公司", "traditional characters"),
        ("西安\u3000华信科技有限公司\u3000", "full-width blanks"),
        ("ＸＡ华信科技有限公司".replace("ＸＡ", "西安"), "full-width characters"),
        ("西安华鑫科技有限公司", "one character wrong (homophone)"),
        ("西安华信科技发展有限公司".replace("发", "法"), "one character wrong in a longer name"),
    ],
)
def test_a_variant_scores_as_a_match(typed: str, kind: str) -> None:
    registered = LONGER if "longer" in kind else REGISTERED
    score = score_names(parse_name(typed), parse_name(registered))
    assert score.value >= MATCH_SCORE, (kind, score)
    assert score.reason


def test_the_parts_are_the_same_for_every_placement_of_the_region() -> None:
    spellings = [
        "西安华信科技有限公司",
        "华信科技（西安）有限公司",
        "華信(西安)科技有限責任公司",
        "陕西省西安市华信科技有限公司",
    ]
    cores = {parse_name(s).core for s in spellings}
    assert cores == {"华信科技"}
    assert parse_name("陕西省西安市华信科技有限公司").regions == {"陕西", "西安"}


@pytest.mark.parametrize(
    "other",
    [
        "陕西华信科技有限公司",  # another province's firm with the same trade name
        "宝鸡华信科技有限公司",  # another city
        "西安华信物流有限公司",  # another line of business
        "西安恒通科技有限公司",  # another trade name
    ],
)
def test_a_similar_but_different_firm_is_not_a_match(other: str) -> None:
    assert score_names(parse_name(other), parse_name(REGISTERED)).value < MATCH_SCORE


def test_identical_names_score_100_with_the_reason() -> None:
    score = score_names(parse_name("西安华信科技有限公司"), parse_name(REGISTERED))
    assert (score.value, score.reason.startswith("名称完全一致")) == (100, True)


def test_a_wrong_character_in_a_short_name_is_left_to_a_person() -> None:
    score = score_names(parse_name("西安华信科枝有限公司"), parse_name(REGISTERED))
    assert POSSIBLE_SCORE <= score.value < MATCH_SCORE
    assert "相差一个字" in score.reason


def test_a_region_the_registered_name_does_not_have_is_left_to_a_person() -> None:
    assert score_names(parse_name("宝鸡华信科技有限公司"), parse_name("华信科技有限公司")).value < MATCH_SCORE
    assert score_names(parse_name("华信科技有限公司"), parse_name(REGISTERED)).value >= MATCH_SCORE


def test_a_name_typed_in_pinyin_meets_the_chinese_one() -> None:
    score = score_names(parse_name("Huaxin Keji"), parse_name(REGISTERED))
    assert score.value >= MATCH_SCORE and "拼音相同" in score.reason
