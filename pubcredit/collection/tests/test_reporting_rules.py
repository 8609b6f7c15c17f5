"""Pure rules of reporting timeliness: lateness, due dates of duties, notice stages per pack, texts.

2026 calendar used below: National Day 1–7 October off, Saturday 10 October a make-up working
day (调休); 2027 is not yet published, so its days are provisional.
"""

from datetime import date

import pytest

from pubcredit.collection import rules
from pubcredit.collection.models import NoticeStage
from pubcredit.core.workdays import LayeredCalendar, deadline_after
from pubcredit.policy import get_policy

CAL = LayeredCalendar()


def policy(pack: str, on: date = date(2026, 10, 9)):
    return get_policy(on=on, pack=pack)


# --- records ----------------------------------------------------------------------------------


def test_dual_publicity_deadline_across_national_day_counts_the_make_up_saturday() -> None:
    # Decided Monday 28 September: 29, 30 Sep, 8, 9, 10 (调休 Saturday), 12, 13 Oct.
    wd = policy("yuanbaoshan").integer(rules.DEADLINE_KEY)
    assert wd == 7
    due = deadline_after(date(2026, 9, 28), wd, source=CAL)
    assert due.date == date(2026, 10, 13) and not due.provisional
    assert rules.deadline_article(policy("yuanbaoshan")) == "元宝山方案 五（三）"


@pytest.mark.parametrize(
    ("reported_on", "late"),
    [
        (date(2026, 9, 30), False),
        (date(2026, 10, 10), False),  # the make-up working day
        (date(2026, 10, 13), False),  # the last working day is still in time
        (date(2026, 10, 14), True),
    ],
)
def test_record_is_late_only_after_the_last_working_day(reported_on: date, late: bool) -> None:
    assert rules.record_is_late(reported_on=reported_on, report_due_on=date(2026, 10, 13)) is late


def test_record_without_deadline_is_never_late() -> None:
    assert rules.record_is_late(reported_on=date(2030, 1, 1), report_due_on=None) is False
    timeliness = rules.record_timeliness(reported_on=date(2030, 1, 1), report_due_on=None, provisional=True)
    assert not timeliness.late and not timeliness.provisional


def test_deadline_into_an_unpublished_year_is_flagged_provisional() -> None:
    due = deadline_after(date(2026, 12, 28), 7, source=CAL)
    assert due.provisional and due.date.year == 2027
    timeliness = rules.record_timeliness(reported_on=due.date, report_due_on=due.date, provisional=due.provisional)
    assert timeliness.provisional and not timeliness.late


def test_on_time_rate() -> None:
    assert rules.on_time_rate(on_time=3, late=1) == 0.75
    assert rules.on_time_rate(on_time=0, late=0) is None


# --- duties -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "last", "due"),
    [
        ("daily", date(2026, 9, 30), date(2026, 10, 8)),  # next working day after the holiday
        ("realtime", date(2026, 10, 9), date(2026, 10, 10)),  # the make-up Saturday is a working day
        ("weekly", date(2026, 9, 28), date(2026, 10, 8)),  # 5 Oct is a holiday: next working day
        ("weekly", date(2026, 10, 3), date(2026, 10, 10)),  # lands on the make-up Saturday
        ("monthly", date(2026, 9, 1), date(2026, 10, 8)),
        ("monthly", date(2026, 1, 31), date(2026, 2, 28)),  # clamped to month end, a make-up Saturday
        ("monthly", date(2026, 3, 31), date(2026, 4, 30)),  # clamped to 30 April
        ("quarterly", date(2026, 7, 15), date(2026, 10, 15)),
        ("yearly", date(2025, 10, 1), date(2026, 10, 8)),
    ],
)
def test_next_due_date_falls_on_a_working_day(frequency: str, last: date, due: date) -> None:
    found = rules.next_due_on(frequency=frequency, last_reported_on=last, start=date(2000, 1, 1), source=CAL)
    assert found.date == due and not found.provisional


def test_duty_without_a_report_counts_from_its_start_and_flags_provisional_years() -> None:
    found = rules.next_due_on(frequency="weekly", last_reported_on=None, start=date(2026, 12, 28), source=CAL)
    assert found.date == date(2027, 1, 4) and found.provisional


def test_unknown_frequency_is_refused() -> None:
    with pytest.raises(ValueError, match="fortnightly"):
        rules.next_due_on(frequency="fortnightly", last_reported_on=None, start=date(2026, 1, 5), source=CAL)


# --- notice stages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pack", "first", "escalation", "article"),
    [
        ("xian", NoticeStage.REMINDER, NoticeStage.CRITICISM, "西安 第三十四条"),
        ("dalian", NoticeStage.ORDER, NoticeStage.CRITICISM, "大连 第十九条"),
        ("nantong", NoticeStage.ACCOUNTABILITY, None, "南通 第二十二条"),
    ],
)
def test_each_pack_gives_its_stages(pack: str, first: str, escalation: str | None, article: str) -> None:
    p = policy(pack)
    due = date(2026, 9, 29)
    assert rules.notice_stage(due_on=due, today=due, policy=p, first_notice_on=None, source=CAL) is None
    opening = rules.notice_stage(due_on=due, today=date(2026, 9, 30), policy=p, first_notice_on=None, source=CAL)
    assert opening is not None and opening.stage == first and opening.article == article
    assert not opening.escalation
    # Long after the first notice: the escalation stage where the pack has one.
    later = rules.notice_stage(
        due_on=due, today=date(2026, 11, 30), policy=p, first_notice_on=date(2026, 9, 30), source=CAL
    )
    assert later is not None and later.stage == (escalation or first)
    assert later.escalation is (escalation is not None)


def test_national_baseline_sends_nothing() -> None:
    p = policy("national")
    assert rules.late_provider_stages(p) is None
    assert (
        rules.notice_stage(
            due_on=date(2026, 9, 29), today=date(2026, 11, 30), policy=p, first_notice_on=None, source=CAL
        )
        is None
    )


def test_escalation_waits_for_the_grace_period_in_working_days_across_national_day() -> None:
    p = policy("xian")
    grace = p.integer(rules.GRACE_KEY)
    assert grace == 5
    reminded = date(2026, 9, 30)
    # 5 working days after 30 Sep: 8, 9, 10 (调休), 12, 13 Oct.
    on_last_day = rules.notice_stage(
        due_on=date(2026, 9, 29), today=date(2026, 10, 13), policy=p, first_notice_on=reminded, source=CAL
    )
    assert on_last_day is not None and on_last_day.stage == NoticeStage.REMINDER
    assert on_last_day.grace_ends_on == date(2026, 10, 13)
    next_day = rules.notice_stage(
        due_on=date(2026, 9, 29), today=date(2026, 10, 14), policy=p, first_notice_on=reminded, source=CAL
    )
    assert next_day is not None and next_day.stage == NoticeStage.CRITICISM and next_day.escalation


def test_without_a_first_notice_the_first_stage_comes_even_when_long_overdue() -> None:
    decision = rules.notice_stage(
        due_on=date(2026, 1, 5), today=date(2026, 10, 14), policy=policy("xian"), first_notice_on=None, source=CAL
    )
    assert decision is not None and decision.stage == NoticeStage.REMINDER


def test_grace_into_the_provisional_year_is_flagged() -> None:
    decision = rules.notice_stage(
        due_on=date(2026, 12, 28),
        today=date(2026, 12, 29),
        policy=policy("xian", date(2026, 12, 29)),
        first_notice_on=None,
        source=CAL,
    )
    assert decision is not None and decision.provisional and decision.grace_ends_on == date(2027, 1, 6)
    text = rules.notice_text(
        decision=decision, provider_name="西安市教育局", item_code="KS", item_name="考试违纪", due_on=date(2026, 12, 28)
    )
    assert "2027年1月6日（按暂定工作日历计算）前补报" in text


# --- texts ------------------------------------------------------------------------------------


def _text(pack: str, today: date, first_notice_on: date | None = None) -> str:
    decision = rules.notice_stage(
        due_on=date(2026, 9, 29), today=today, policy=policy(pack), first_notice_on=first_notice_on, source=CAL
    )
    assert decision is not None
    return rules.notice_text(
        decision=decision,
        provider_name="西安市生态环境局",
        item_code="CF",
        item_name="行政处罚",
        due_on=date(2026, 9, 29),
    )


def test_reminder_text_names_item_due_date_grace_and_article() -> None:
    text = _text("xian", date(2026, 9, 30))
    assert text.startswith("书面催报：西安市生态环境局应于2026年9月29日前报送“行政处罚”（CF）")
    assert "请于2026年10月13日前补报" in text
    assert text.endswith("依据：西安 第三十四条。")


def test_criticism_text_names_the_reminder_and_the_grace_period() -> None:
    text = _text("xian", date(2026, 10, 14), first_notice_on=date(2026, 9, 30))
    assert text.startswith("通报批评：")
    assert "经2026年9月30日书面催报后5个工作日（平台默认）内仍未报送" in text
    assert "西安 第三十四条" in text


def test_order_and_accountability_texts() -> None:
    order = _text("dalian", date(2026, 9, 30))
    assert order.startswith("责令限期改正：") and "提请本级人民政府给予通报批评" in order
    assert "大连 第十九条" in order
    dalian_criticism = _text("dalian", date(2026, 10, 14), first_notice_on=date(2026, 9, 30))
    assert "责令限期改正后" in dalian_criticism
    accountability = _text("nantong", date(2026, 9, 30))
    assert accountability.startswith("提请追究责任：") and "南通 第二十二条" in accountability
