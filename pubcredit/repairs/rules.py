"""Credit repair as pure functions of the policy pack in force on the day of application.

The conditions (国办发〔2025〕22号, 发展改革委令2025年第36号, in force 2026-04-01, and the local texts):
the record is bad and still active; it is not repaired already and has no open application; the
tier's minimum publicity period has elapsed where `repair.after_tier_min_period` says so; none of
the cases in `repair.excluded` applies (南通 第十六条: only acts not done on purpose; 元宝山
第二十九条: not for subjects on the severe dishonesty list); the subject proves it has met its
obligations (西安 第三十二条: 主动履行法定义务) and signs a credit commitment (信用承诺).

Every unmet condition is one Chinese sentence naming the pack key and the article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pubcredit.records.rules import TIERS, PolicyReader, add_months
from pubcredit.records.rules import period_start as record_period_start

DECIDED_BY_KEY = "repair.decided_by"
DECISION_WD_KEY = "repair.decision_wd"
AFTER_REPAIR_KEY = "repair.after_repair"
EXCLUDED_KEY = "repair.excluded"
AFTER_MIN_KEY = "repair.after_tier_min_period"
PLATFORM_DEFAULT = "平台默认"

#: The commitment the subject signs by ticking the box; stored on the application as signed.
COMMITMENT_TEXT = (
    "本主体郑重承诺：已依法履行相关法定义务，主动纠正失信行为、消除不良影响；所提交的申请材料真实、准确、完整；"
    "今后严格遵守法律法规，诚实守信经营；如有虚假或违背承诺，自愿接受撤销信用修复决定并依法承担相应责任。"
)

AFTER_REPAIR_TEXT = {
    "withhold": "原失信信息不再公开披露，政务共享同时停止",
    "annotate": "在原失信信息中标注“已信用修复”",
    "note": "在公共信用信息系统数据库内注明已信用修复",
}


@dataclass(frozen=True, slots=True)
class RepairFacts:
    """What the eligibility needs of the record, the subject and the application.

    `intentional`, `proof_count` and `commitment_signed` are None for a preview of the record
    alone (the apply page before anything is filled in): those conditions are then not judged.
    """

    record_id: int
    item_code: str
    kind: str
    status: str
    tier: str | None
    decided_on: dt.date
    end_date: dt.date | None
    already_repaired: bool = False
    open_application: str | None = None  # the number of an application still undecided
    on_severe_list: bool = False
    intentional: bool | None = None
    proof_count: int | None = None
    commitment_signed: bool | None = None


@dataclass(frozen=True, slots=True)
class Eligibility:
    """`eligible_from`: for an application refused only for want of time, or of things the subject
    can still supply, the first day it would be eligible; None when eligible or when no date can
    make it eligible (not a bad record, already repaired, an excluded case)."""

    eligible: bool
    reasons: tuple[str, ...]
    eligible_from: dt.date | None
    basis: tuple[str, ...] = ()


def _cite(policy: PolicyReader, key: str) -> str:
    param = policy.param(key)
    return f"{key}，{param.article}"


def local_article(policy: PolicyReader) -> str:
    """The article that grants repair in the pack in force, and the national texts where in force."""
    parts: list[str] = []
    local = policy.param(DECIDED_BY_KEY).article
    if local != PLATFORM_DEFAULT:
        parts.append(local)
    after_min = policy.param(AFTER_MIN_KEY)
    if after_min.value is True:
        parts.append(after_min.article)
    return "；".join(parts) or PLATFORM_DEFAULT


def period_start(facts: RepairFacts, policy: PolicyReader) -> dt.date:
    """The day the publicity period counts from (`disclosure.period_start`), as for disclosure."""
    return record_period_start(policy, facts.decided_on, facts.end_date)


def minimum_period_end(facts: RepairFacts, policy: PolicyReader) -> tuple[dt.date | None, str, str]:
    """The last day of the tier's minimum publicity period (None when no minimum applies), what it
    is, and the pack keys with their articles."""
    flag = policy.param(AFTER_MIN_KEY)
    if flag.value is not True:
        return None, "所在地及全国规定未要求最短公示期满后方可修复", _cite(policy, AFTER_MIN_KEY)
    if facts.tier not in TIERS:
        return None, "该记录未划分失信等级（2026-04-01 前认定），不适用分级最短公示期", _cite(policy, AFTER_MIN_KEY)
    key = f"disclosure.tier_min_months.{facts.tier}"
    months = policy.param(key).value
    label = TIERS[str(facts.tier)]
    if not isinstance(months, int) or isinstance(months, bool) or months == 0:
        return None, f"{label}失信信息无最短公示期", _cite(policy, key)
    start = period_start(facts, policy)
    end = add_months(start, months)
    text = f"{label}失信信息最短公示期为{months}个月，自 {start.isoformat()} 起算，至 {end.isoformat()} 届满"
    return end, text, f"{_cite(policy, key)}；{_cite(policy, AFTER_MIN_KEY)}"


def repair_eligibility(facts: RepairFacts, on: dt.date, policy: PolicyReader) -> Eligibility:
    """Whether the record may be repaired on `on` under `policy` (the pack in force that day)."""
    reasons: list[str] = []
    basis: list[str] = []
    permanent = False
    waits_until: dt.date | None = None
    grant = local_article(policy)
    if facts.kind != "bad":
        reasons.append(f"记录 {facts.record_id}（{facts.item_code}）不是失信（不良）信息，无需信用修复（{grant}）")
        permanent = True
    if facts.status != "active":
        reasons.append(f"记录 {facts.record_id} 已不在公开披露中（状态：{facts.status}），无需信用修复")
        permanent = True
    if facts.already_repaired:
        reasons.append(f"记录 {facts.record_id} 已经信用修复，不能重复申请")
        permanent = True
    if facts.open_application:
        reasons.append(f"记录 {facts.record_id} 已有待决定的信用修复申请 {facts.open_application}，请等待决定")
        permanent = True
    end, text, cited = minimum_period_end(facts, policy)
    if end is not None and on <= end:
        waits_until = end + dt.timedelta(days=1)
        reasons.append(f"{text}，{waits_until.isoformat()} 起方可申请信用修复（{cited}）")
    else:
        basis.append(f"{text}（{cited}）" if end is None else f"{text}，已届满（{cited}）")
    excluded = policy.param(EXCLUDED_KEY).value
    codes = excluded if isinstance(excluded, list) else []
    if "intentional" in codes:
        if facts.intentional is True:
            reasons.append(
                "失信行为出于主观故意，不适用信用修复；信用修复只适用于非因主观故意的失信行为"
                f"（{_cite(policy, EXCLUDED_KEY)}）"
            )
            permanent = True
        elif facts.intentional is None and facts.proof_count is not None:
            reasons.append(f"须声明失信行为是否出于主观故意（{_cite(policy, EXCLUDED_KEY)}）")
        elif facts.intentional is False:
            basis.append(f"申请人声明失信行为非因主观故意（{_cite(policy, EXCLUDED_KEY)}）")
    if "severe_list" in codes:
        if facts.on_severe_list:
            reasons.append(f"信息主体被列入严重失信主体名单，不适用信用修复（{_cite(policy, EXCLUDED_KEY)}）")
            permanent = True
        else:
            basis.append(f"信息主体未被列入严重失信主体名单（{_cite(policy, EXCLUDED_KEY)}）")
    if facts.proof_count == 0:
        reasons.append(f"须上传已履行法定义务、消除不良影响的证明材料（{grant}）")
    if facts.commitment_signed is False:
        reasons.append(f"须签署信用承诺书（{grant}）")
    eligible = not reasons
    eligible_from = None if eligible or permanent else (waits_until or on)
    return Eligibility(eligible, tuple(reasons), eligible_from, tuple(basis))


def decision_days(policy: PolicyReader) -> tuple[int | None, str]:
    """Working days the provider has to decide (None: the pack sets no limit), with the citation."""
    param = policy.param(DECISION_WD_KEY)
    value = param.value
    if not isinstance(value, int) or isinstance(value, bool):
        return None, f"所在地未规定信用修复决定期限（{DECISION_WD_KEY}，{param.article}）"
    return value, f"{DECISION_WD_KEY} = {value}（{param.article}）"


def after_repair(policy: PolicyReader) -> tuple[str, str]:
    """What an accepted repair does to the record under the pack (`repair.after_repair`) and the article."""
    param = policy.param(AFTER_REPAIR_KEY)
    value = str(param.value)
    return value, param.article


def requirements(policy: PolicyReader) -> list[str]:
    """What an applicant must bring under the pack, shown on the apply page before filling in."""
    grant = local_article(policy)
    lines = [
        f"由作出失信认定的信息提供单位决定是否修复（谁认定、谁修复；{_cite(policy, DECIDED_BY_KEY)}）",
        f"上传已履行法定义务、消除不良影响的证明材料（{grant}）",
        f"签署信用承诺书（{grant}）",
    ]
    if policy.param(AFTER_MIN_KEY).value is True:
        lines.append(f"失信信息的最短公示期已届满（{_cite(policy, AFTER_MIN_KEY)}）")
    excluded = policy.param(EXCLUDED_KEY).value
    codes = excluded if isinstance(excluded, list) else []
    if "intentional" in codes:
        lines.append(f"失信行为非因主观故意（{_cite(policy, EXCLUDED_KEY)}）")
    if "severe_list" in codes:
        lines.append(f"信息主体未被列入严重失信主体名单（{_cite(policy, EXCLUDED_KEY)}）")
    days, text = decision_days(policy)
    if days is not None:
        text = f"信息提供单位在{days}个工作日内作出决定（{_cite(policy, DECISION_WD_KEY)}）"
    lines.append(text)
    effect, article = after_repair(policy)
    lines.append(f"修复后：{AFTER_REPAIR_TEXT.get(effect, effect)}（{AFTER_REPAIR_KEY}，{article}）")
    return lines
