"""How well a typed name matches a subject's name: a score from 0 to 100 and the reason in Chinese.

Pure functions of two `NameParts`. The core decides (exact, same pinyin, one character apart,
or rapidfuzz's ratio); the regions and the legal form then adjust: a region on both sides that
differs ("陕西华信" / "西安华信") costs enough to fall below a match, because those are usually
two firms; a region written on one side only costs little, because clerks often leave it out.

The thresholds are platform settings, not regulation: they were chosen on the labelled set of
bench/screen.py (precision and recall printed there) and are asserted by the quality test.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from pubcredit.screening.names import NameParts

MATCH_SCORE = 85  # at or above: the row is reported as matched (匹配)
POSSIBLE_SCORE = 70  # at or above: reported as a possible match (疑似) for a person to judge
SHOWN_SCORE = 60  # candidates below are not shown at all
MAX_SHOWN = 3
# Score costs, chosen on the labelled sets (bench/screen.py, test_quality.py).
ONE_EDIT_WEIGHT = 64.0  # a core one character off scores 100 - 64 / its length
REGION_OMITTED = 4  # the clerk left out the region the registered name has
REGION_ADDED = 18  # the clerk wrote a region the registered name does not have: often another firm


@dataclass(frozen=True, slots=True)
class Score:
    value: int
    reason: str


def _core_score(a: NameParts, b: NameParts) -> tuple[float, str]:
    if a.core == b.core:
        return 100.0, "名称主体一致"
    if a.pinyin == b.pinyin:
        if a.core == a.pinyin:
            return 94.0, f"名称主体的拼音相同（“{a.core}”即“{b.core}”）"
        return 94.0, f"名称主体读音相同（“{a.core}”与“{b.core}”，疑为同音字）"
    longest = max(len(a.core), len(b.core))
    if Levenshtein.distance(a.core, b.core, score_cutoff=1) <= 1:
        # One character in four is a quarter of the name: short names one character apart are
        # as often two firms ("华信物流" / "华通物流") as a typo, and are left to a person (疑似).
        return 100.0 - ONE_EDIT_WEIGHT / longest, f"名称主体相差一个字（“{a.core}”与“{b.core}”）"
    return 0.9 * ratio(a.core, b.core), f"名称主体相近（“{a.core}”与“{b.core}”）"


def score_names(a: NameParts, b: NameParts) -> Score:
    """How well the input `a` matches the subject name `b`."""
    if a.text == b.text:
        return Score(100, "名称完全一致（已忽略全半角、括号、空格和繁简差异）")
    value, reason = _core_score(a, b)
    notes = [reason]
    if a.regions and not b.regions:
        value -= REGION_ADDED
        notes.append(f"所填地区（{'、'.join(sorted(a.regions))}）不在登记名称中")
    elif b.regions and not a.regions:
        value -= REGION_OMITTED
        notes.append("所填名称未写地区")
    elif a.regions and b.regions:
        if a.regions.isdisjoint(b.regions):
            value -= 25
            notes.append(f"地区不同（{'、'.join(sorted(a.regions))} / {'、'.join(sorted(b.regions))}）")
        elif a.regions != b.regions:
            value -= 2
            notes.append("地区写法不同")
    if a.form != b.form:
        if a.form and b.form:
            value -= 6
            notes.append(f"组织形式不同（{a.form} / {b.form}）")
        else:
            value -= 2
            notes.append("一方未写组织形式")
    if a.core == b.core and a.regions == b.regions and a.form == b.form:
        notes.append("仅地区位置或组织形式写法不同（如“（西安）”“有限责任公司/有限公司”）")
    return Score(max(0, min(100, round(value))), "；".join(notes))
