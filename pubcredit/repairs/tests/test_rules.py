"""The eligibility as a pure function, under every pack, with real dates and the exact reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from pubcredit.policy import get_policy
from pubcredit.repairs.rules import RepairFacts, decision_days, repair_eligibility, requirements

NATIONAL = "国办发〔2025〕22号、发展改革委令2025年第36号"

SEVERE = RepairFacts(
    record_id=7,
    item_code="CF",
    kind="bad",
    status="active",
    tier="severe",
    decided_on=dt.date(2026, 5, 10),
    end_date=None,
    intentional=None,
    proof_count=1,
    commitment_signed=True,
)


def judge(pack: str, facts: RepairFacts, on: dt.date):
    return repair_eligibility(facts, on, get_policy(on=on, pack=pack))


def test_xian_severe_record_waits_for_its_twelve_months():
    result = judge("xian", SEVERE, dt.date(2026, 11, 20))
    assert not result.eligible
    assert result.eligible_from == dt.date(2027, 5, 11)
    (reason,) = result.reasons
    assert "严重失信信息最短公示期为12个月，自 2026-05-10 起算，至 2027-05-10 届满" in reason
    assert "disclosure.tier_min_months.severe" in reason and NATIONAL in reason
    assert "2027-05-11 起方可申请信用修复" in reason


@pytest.mark.parametrize(
    ("on", "eligible"),
    [(dt.date(2027, 5, 10), False), (dt.date(2027, 5, 11), True)],
)
def test_the_last_day_of_the_minimum_period_is_still_inside_it(on, eligible):
    assert judge("xian", SEVERE, on).eligible is eligible


def test_xian_counts_from_the_end_date():
    facts = replace(SEVERE, tier="general", decided_on=dt.date(2026, 4, 10), end_date=dt.date(2026, 6, 30))
    result = judge("xian", facts, dt.date(2026, 9, 30))
    assert not result.eligible and result.eligible_from == dt.date(2026, 10, 1)
    assert "自 2026-06-30 起算" in result.reasons[0]
    assert judge("xian", facts, dt.date(2026, 10, 1)).eligible


def test_minor_records_have_no_minimum_period():
    facts = replace(SEVERE, tier="minor", decided_on=dt.date(2026, 11, 19))
    result = judge("xian", facts, dt.date(2026, 11, 20))
    assert result.eligible and result.eligible_from is None
    assert any("轻微失信信息无最短公示期" in line for line in result.basis)


def test_before_the_national_rules_there_is_no_minimum_period():
    facts = replace(SEVERE, decided_on=dt.date(2026, 3, 1))
    before = judge("national", facts, dt.date(2026, 3, 31))
    assert before.eligible
    assert "repair.after_tier_min_period，无全国性规定" in before.basis[0]
    after = judge("national", facts, dt.date(2026, 4, 1))
    assert not after.eligible and after.eligible_from == dt.date(2027, 3, 2)


def test_nantong_excludes_intentional_acts_for_good():
    facts = replace(SEVERE, tier="minor", intentional=True)
    result = judge("nantong", facts, dt.date(2026, 11, 20))
    assert not result.eligible and result.eligible_from is None
    assert result.reasons == (
        "失信行为出于主观故意，不适用信用修复；信用修复只适用于非因主观故意的失信行为"
        "（repair.excluded，南通 第十六条）",
    )
    undeclared = judge("nantong", replace(facts, intentional=None), dt.date(2026, 11, 20))
    assert undeclared.reasons == ("须声明失信行为是否出于主观故意（repair.excluded，南通 第十六条）",)
    assert undeclared.eligible_from == dt.date(2026, 11, 20)
    assert judge("nantong", replace(facts, intentional=False), dt.date(2026, 11, 20)).eligible


def test_the_intentional_declaration_is_not_asked_where_the_pack_does_not_exclude_it():
    facts = replace(SEVERE, tier="minor", intentional=True)
    assert judge("xian", facts, dt.date(2026, 11, 20)).eligible


def test_yuanbaoshan_excludes_the_severe_dishonesty_list():
    facts = replace(SEVERE, tier="minor", on_severe_list=True)
    result = judge("yuanbaoshan", facts, dt.date(2026, 11, 20))
    assert not result.eligible and result.eligible_from is None
    assert result.reasons == ("信息主体被列入严重失信主体名单，不适用信用修复（repair.excluded，元宝山 第二十九条）",)
    assert judge("xian", facts, dt.date(2026, 11, 20)).eligible  # 西安 has no such exclusion


def test_dalian_uses_the_national_minimum_from_the_end_date():
    facts = replace(SEVERE, decided_on=dt.date(2026, 5, 1), end_date=dt.date(2026, 6, 30))
    result = judge("dalian", facts, dt.date(2026, 11, 20))
    assert result.eligible_from == dt.date(2027, 7, 1)
    assert "自 2026-06-30 起算" in result.reasons[0]


def test_shaoshan_trial_ended_so_the_national_baseline_applies():
    facts = replace(SEVERE, tier="general", decided_on=dt.date(2026, 4, 15))
    result = judge("shaoshan", facts, dt.date(2026, 7, 15))
    assert not result.eligible and result.eligible_from == dt.date(2026, 7, 16)
    assert "一般失信信息最短公示期为3个月" in result.reasons[0]
    assert judge("shaoshan", facts, dt.date(2026, 7, 16)).eligible


def test_missing_proof_and_commitment_are_both_named_with_the_local_article():
    facts = replace(SEVERE, tier="minor", proof_count=0, commitment_signed=False)
    result = judge("xian", facts, dt.date(2026, 11, 20))
    assert result.reasons == (
        f"须上传已履行法定义务、消除不良影响的证明材料（西安 第三十二条；{NATIONAL}）",
        f"须签署信用承诺书（西安 第三十二条；{NATIONAL}）",
    )
    assert result.eligible_from == dt.date(2026, 11, 20)


def test_time_and_documents_missing_gives_the_later_day():
    result = judge("xian", replace(SEVERE, proof_count=0), dt.date(2026, 11, 20))
    assert len(result.reasons) == 2 and result.eligible_from == dt.date(2027, 5, 11)


@pytest.mark.parametrize(
    ("facts", "text"),
    [
        (replace(SEVERE, kind="good", tier=None), "不是失信（不良）信息"),
        (replace(SEVERE, status="archived"), "已不在公开披露中"),
        (replace(SEVERE, already_repaired=True), "已经信用修复，不能重复申请"),
        (replace(SEVERE, open_application="XF2026000001"), "已有待决定的信用修复申请 XF2026000001"),
    ],
)
def test_records_that_cannot_be_repaired_give_no_date(facts, text):
    result = judge("xian", facts, dt.date(2026, 11, 20))
    assert not result.eligible and result.eligible_from is None
    assert any(text in reason for reason in result.reasons)


def test_records_without_a_tier_are_not_held_to_a_minimum():
    result = judge("xian", replace(SEVERE, tier=None), dt.date(2026, 11, 20))
    assert result.eligible
    assert "未划分失信等级" in result.basis[0]


@pytest.mark.parametrize(
    ("pack", "days", "article"),
    [
        ("xian", 15, "西安 第三十二条"),
        ("nantong", None, "无全国性规定"),
        ("yuanbaoshan", None, "无全国性规定"),
        ("dalian", None, "无全国性规定"),
        ("shaoshan", None, "无全国性规定"),
    ],
)
def test_decision_days_per_pack(pack, days, article):
    found, text = decision_days(get_policy(on=dt.date(2026, 11, 20), pack=pack))
    assert found == days and article in text


def test_requirements_name_every_pack_condition():
    lines = requirements(get_policy(on=dt.date(2026, 11, 20), pack="nantong"))
    joined = "\n".join(lines)
    assert "失信行为非因主观故意（repair.excluded，南通 第十六条）" in joined
    assert "在公共信用信息系统数据库内注明已信用修复（repair.after_repair，南通 第十七条）" in joined
    xian = "\n".join(requirements(get_policy(on=dt.date(2026, 11, 20), pack="xian")))
    assert "信息提供单位在15个工作日内作出决定" in xian and "原失信信息不再公开披露" in xian
