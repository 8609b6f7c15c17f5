"""Scorecard files: the loader's refusals and the engine's arithmetic, checked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pubcredit.core.errors import ConfigurationError
from pubcredit.evaluation.aggregates import Plan
from pubcredit.evaluation.engine import Result, score
from pubcredit.evaluation.loader import SCORECARDS_DIR, Scorecard, load_scorecard, load_scorecards, scorecard_in_force

ON = dt.date(2026, 12, 1)


def card(code: str) -> Scorecard:
    found = scorecard_in_force(code, on=ON)
    assert found is not None
    return found


def run(scorecard: Scorecard, **by_indicator: float | None) -> Result:
    """Score with the named indicators' values; every other input is 0 (None for recency)."""
    plan = Plan.of([scorecard])
    values: list[float | None] = [None if key[2] == "days_since_latest" else 0 for key in plan.keys]
    for indicator in scorecard.indicators:
        if indicator.code in by_indicator:
            values[plan.keys.index(indicator.aggregate_key)] = by_indicator[indicator.code]
    return score(scorecard, values, plan.slots[scorecard.code])


def test_the_three_shipped_scorecards_load() -> None:
    cards = load_scorecards()
    assert set(cards) == {"public_credit_org", "supervision_grade", "bidder_credit"}
    assert [g.label for g in card("public_credit_org").grades] == ["优秀", "良好", "中等", "较差"]
    assert card("public_credit_org").high == 1000
    assert [g.code for g in card("supervision_grade").grades] == ["A", "B", "C", "D"]
    assert scorecard_in_force("public_credit_org", on=dt.date(2025, 12, 31)) is None


def test_public_credit_of_a_subject_without_information() -> None:
    result = run(card("public_credit_org"))
    # 800 base + 30 for no bad information in its period.
    assert (result.points, result.grade) == (830, "good")
    assert [line[:2] for line in result.lines] == [["基础分", 800], ["最近一次不良信息", 30]]
    assert "未发现此类信息" in result.lines[1][2]


def test_public_credit_with_good_and_decayed_bad_information() -> None:
    # 1 basic record +50; 2 good records +40; one severe record decided two years ago: half-life
    # 730 days -> 0.5 x -120 = -60; latest bad 730 days ago, band 366-1095 -> -15.
    result = run(card("public_credit_org"), registered=1, honours=2, bad_severe=0.5, bad_recent=730)
    assert result.points == 800 + 50 + 40 - 60 - 15 == 815
    assert result.grade == "good"
    lines = {line[0]: line for line in result.lines}
    assert lines["严重失信信息"][1] == -60
    assert lines["严重失信信息"][2] == "严重失信信息（按时间衰减）0.5 条，半衰期 730 天，每项 -120 分"
    assert lines["最近一次不良信息"][1] == -15
    assert lines["最近一次不良信息"][2] == "最近一次不良信息距今的天数，366–1095 档，-15 分"


def test_public_credit_caps_and_the_range() -> None:
    # 10 good records are capped at +100, the red list +50: the dimension is 150 (its max).
    high = run(card("public_credit_org"), registered=3, honours=10, red_list=1)
    assert high.points == 1000  # 800 + 50 + 150 + 30 = 1030, kept at the maximum
    assert high.grade == "excellent"
    assert high.lines[-1][:2] == ["分值范围", -30]
    # Black list -400, watch -150, 9 severe (cap -480), general cap -250, minor cap -50, recent -40.
    low = run(
        card("public_credit_org"),
        black_list=1,
        watch_list=1,
        bad_severe=9,
        bad_general=8,
        bad_minor=20,
        bad_recent=10,
    )
    # bad dimension: -480 -250 -50 -40 = -820, kept at its min -800; lists -550 -> 800 - 800 - 550 < 0.
    assert (low.points, low.grade) == (0, "poor")
    assert ["不良信息", 20, "不良信息维度得分以 -800 分为限"] in low.lines


def test_supervision_grade() -> None:
    assert run(card("supervision_grade")).grade == "A"
    assert (run(card("supervision_grade"), minor=1).points, run(card("supervision_grade"), minor=1).grade) == (95, "A")
    assert run(card("supervision_grade"), general=1, minor=2).points == 100 - 15 - 10
    # 3 severe: -120 capped at -80; 1 general -15 -> 5, grade D.
    result = run(card("supervision_grade"), severe=3, general=1)
    assert (result.points, result.grade) == (5, "D")
    assert run(card("supervision_grade"), black=1).grade == "D"
    assert run(card("supervision_grade"), watch=1).grade == "C"


def test_bidder_credit() -> None:
    # A severe judgment 100 days ago: 0.5 ** (100 / 365) = 0.827, read as 0.8 (one decimal, as
    # shown) x -20 = -16, and -30 for a severe record within a year: 100 - 46 = 54, grade C.
    result = run(card("bidder_credit"), judgment=round(0.5 ** (100 / 365), 1), severe_recent=100)
    assert (result.points, result.grade) == (54, "C")
    # Rounding half away from zero: a dimension at -46.5 counts -47.
    assert run(card("bidder_credit"), judgment=0.825, severe_recent=100).points == 53
    assert run(card("bidder_credit"), honours=3).points == 110  # +15 capped at +10
    # Two supervision records of today: 2 x -8 = -16 -> 84, just under A (85).
    assert (run(card("bidder_credit"), supervision=2).points, run(card("bidder_credit"), supervision=2).grade) == (
        84,
        "B",
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.v1.toml"
    path.write_text(text, encoding="utf-8")
    return path


def shipped(code: str) -> str:
    return (SCORECARDS_DIR / f"{code}.v1.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[scorecard]\n", "[scorecard]\ncolour = 'red'\n"), "bad.v1.toml: scorecard.colour: unknown key"),
        (("version = 1", "version = '1'"), "bad.v1.toml: scorecard.version: must be an integer, not str"),
        (('  explain = "公示期内严重失信信息 {value} 条"\n', ""), "dimensions[0].indicators[0].explain: missing"),
        (('  basis = "平台默认：每条扣 40 分，最多扣 80 分"\n', ""), "dimensions[0].indicators[0].basis: missing"),
        (('measure = "count"\n  per_unit = -40', 'measure = "sum"\n  per_unit = -40'), "is not one of count"),
        (('tier = ["severe"]', 'tier = ["grave"]'), "filter.tier: 'grave' is not one of minor"),
        (("per_unit = -40\n  cap = -80", "per_unit = -40\n  cap = 80"), "must have the same sign"),
        (('explain = "公示期内严重失信信息 {value} 条"', 'explain = "{total} 条"'), "may use {value} and {points}"),
        (("base = 100", "base = 120"), "base 120 must lie within min 0 and max 100"),
    ],
)
def test_the_loader_refuses_bad_files_naming_file_and_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    text = shipped("supervision_grade")
    assert change[0] in text
    with pytest.raises(ConfigurationError) as refused:
        load_scorecard(write(tmp_path, text.replace(change[0], change[1], 1)))
    assert message in str(refused.value)


def test_a_repeated_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(shipped("supervision_grade"), encoding="utf-8")
    (tmp_path / "b.toml").write_text(shipped("supervision_grade"), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="supervision_grade version 1 is repeated"):
        load_scorecards(tmp_path)


def test_a_new_version_applies_from_its_day(tmp_path: Path) -> None:
    (tmp_path / "s.v1.toml").write_text(shipped("supervision_grade"), encoding="utf-8")
    newer = (
        shipped("supervision_grade")
        .replace("version = 1", "version = 2")
        .replace("effective_from = 2026-01-01", "effective_from = 2027-01-01")
    )
    (tmp_path / "s.v2.toml").write_text(newer, encoding="utf-8")
    versions = load_scorecards(tmp_path)["supervision_grade"]
    assert [c.version for c in versions] == [1, 2]
    (tmp_path / "s.v2.toml").write_text(newer.replace("2027-01-01", "2025-01-01"), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="effective_from must be after version 1"):
        load_scorecards(tmp_path)
