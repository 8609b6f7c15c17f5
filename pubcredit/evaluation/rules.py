"""Pure rules of the 西安 farmer credit rating (西安市农户信用等级评价办法).

二、the basic conditions a farmer must meet to be rated; 三（一）（二）the procedure: the village
group collects and proposes, the town group reviews and publicises the result in the village.
The publicity period is the pack's `farmer_rating.publicity_wd` (working days; the 办法 names no
number, so the pack cites 三（二）with the platform's value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ARTICLE_CONDITIONS = "西安市农户信用等级评价办法 二"
PUBLICITY_KEY = "farmer_rating.publicity_wd"

#: 西安市农户信用等级评价办法 二（一）至（五）, in the text's order.
CONDITIONS: dict[str, str] = {
    "registered_in_xian": "户籍在西安市辖区内",
    "full_civil_capacity": "具有完全民事行为能力",
    "good_conduct": "个人品德良好，无不良行为",
    "legal_income": "从事符合国家产业政策的生产经营活动，生产经营情况正常，并有一定合法、可靠的经济来源",
    "able_to_repay": "具有按期清偿贷款本息的能力和意愿",
}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]
    checks: dict[str, bool]


def farmer_eligibility(attested: Mapping[str, bool], *, bad_records_in_period: int) -> Eligibility:
    """The conditions as the village group attested them, and the platform's own check of good
    conduct: no bad record of the farmer inside its disclosure period (二（三）)."""
    checks = {code: attested.get(code) is True for code in CONDITIONS}
    reasons = [f"未确认“{label}”（{ARTICLE_CONDITIONS}）" for code, label in CONDITIONS.items() if not checks[code]]
    if bad_records_in_period:
        checks["good_conduct"] = False
        reasons.append(
            f"平台记录该农户在公示期内有不良信息 {bad_records_in_period} 条，不符合“个人品德良好，无不良行为”"
            f"（{ARTICLE_CONDITIONS}（三））"
        )
    return Eligibility(not reasons, tuple(reasons), checks)
