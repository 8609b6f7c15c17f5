"""Pure rules on the timeliness of providers' reporting (报送及时性).

- A record is late when it reached the platform after its reporting deadline (`report_due_on`,
  computed from the decision date in working days when it was collected: 双公示 within
  `collection.dual_publicity_wd` working days, 元宝山方案 五（三））.
- A reporting duty (信息提供单位应当按照目录的要求和约定及时提供, 西安 第十五条, 南通 第九条) falls
  due at the frequency agreed with the provider, counted from its last report, on a working day.
- What happens to a provider whose duty is overdue is the pack's `collection.late_provider`:
  a written reminder then public criticism (西安 第三十四条), an order to correct then criticism
  (大连 第十九条), a referral for accountability (南通 第二十二条), or nothing (national: no rule).
  The second stage comes once `collection.criticism_after_wd` working days have passed since the
  first notice without a report.

Nothing here reads the database; the calendar comes in as a `CalendarSource`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pubcredit.accounts.models import ReportingFrequency
from pubcredit.collection.models import NoticeStage
from pubcredit.core.workdays import CalendarSource, Deadline, add_working_days, deadline_after
from pubcredit.policy import Policy
from pubcredit.records.rules import add_months

LATE_PROVIDER_KEY = "collection.late_provider"
GRACE_KEY = "collection.criticism_after_wd"
DEADLINE_KEY = "collection.dual_publicity_wd"
DUTY_ARTICLE = "西安 第十五条"

#: The stages each `collection.late_provider` value knows: (first notice, escalation or None).
STAGES: dict[str, tuple[NoticeStage, NoticeStage | None] | None] = {
    "reminder_then_criticism": (NoticeStage.REMINDER, NoticeStage.CRITICISM),
    "order_then_criticism": (NoticeStage.ORDER, NoticeStage.CRITICISM),
    # 南通 第二十二条 names one consequence only; the referral is the platform's last word.
    "accountability": (NoticeStage.ACCOUNTABILITY, None),
    "none": None,
}

# The calendar length of one reporting period. These are the meanings of the frequency words
# the provider agreed to, not regulation numbers, so they are not policy keys.
_MONTHS: dict[str, int] = {
    ReportingFrequency.MONTHLY: 1,
    ReportingFrequency.QUARTERLY: 3,
    ReportingFrequency.YEARLY: 12,
}


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    """Whether one record came in on time; `provisional` when its deadline used the provisional calendar."""

    reported_on: date
    due_on: date | None
    late: bool
    provisional: bool


def record_is_late(*, reported_on: date, report_due_on: date | None) -> bool:
    """Late means received after the last day allowed; a record without a deadline is never late.

    The deadline day itself is still in time (民法典 第二百零一条: the period ends at the end of
    its last day), so only `reported_on > report_due_on` is late.
    """
    return report_due_on is not None and reported_on > report_due_on


def record_timeliness(*, reported_on: date, report_due_on: date | None, provisional: bool = False) -> Timeliness:
    return Timeliness(
        reported_on=reported_on,
        due_on=report_due_on,
        late=record_is_late(reported_on=reported_on, report_due_on=report_due_on),
        provisional=provisional and report_due_on is not None,
    )


def on_time_rate(*, on_time: int, late: int) -> float | None:
    """Share of records with a deadline that came in on time (0..1); None when none had a deadline."""
    total = on_time + late
    if total == 0:
        return None
    return on_time / total


def deadline_article(policy: Policy) -> str:
    """The article that sets the 双公示 reporting deadline in this pack, for explanations."""
    return policy.param(DEADLINE_KEY).article


# --- duties -----------------------------------------------------------------------------------


def next_due_on(*, frequency: str, last_reported_on: date | None, start: date, source: CalendarSource) -> Deadline:
    """When the provider must report next: one period after its last report (or after `start`,
    the day the duty was set, when it has never reported), on a working day.

    Daily (and real-time, which the platform can only check once a day) duties fall due on the
    next working day. Longer periods end on the same calendar day one week, month, quarter or
    year later; a period ending on a day off runs to the next working day (民法典 第二百零三条).
    A month-end start keeps to the last day of shorter months (31 January → 28/29 February).
    """
    base = last_reported_on or start
    if frequency in (ReportingFrequency.DAILY, ReportingFrequency.REALTIME):
        return add_working_days(base, 1, source=source)
    if frequency == ReportingFrequency.WEEKLY:
        return add_working_days(base + timedelta(days=7), 0, source=source)
    months = _MONTHS.get(frequency)
    if months is None:
        raise ValueError(f"unknown reporting frequency {frequency!r}")
    return add_working_days(add_months(base, months), 0, source=source)


def is_overdue(*, next_due_on: date, today: date) -> bool:
    """A duty is overdue from the day after its due date (the due date itself is still in time)."""
    return today > next_due_on


# --- notices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageDecision:
    """The notice that applies to an overdue duty on one day.

    `grace_ends_on` is the last working day the provider may still report after the first notice
    before the escalation stage (None when the pack has no escalation stage).
    """

    stage: NoticeStage
    escalation: bool
    article: str
    first_stage: NoticeStage
    first_notice_on: date
    grace_ends_on: date | None
    grace_days: int | None
    grace_article: str | None
    provisional: bool


def late_provider_stages(policy: Policy) -> tuple[NoticeStage, NoticeStage | None] | None:
    """The pack's stages for a late provider; None when the pack sets no consequence."""
    rule = policy.text(LATE_PROVIDER_KEY)
    if rule not in STAGES:
        raise ValueError(f"unknown {LATE_PROVIDER_KEY} value {rule!r}")
    return STAGES[rule]


def notice_stage(
    *,
    due_on: date,
    today: date,
    policy: Policy,
    first_notice_on: date | None,
    source: CalendarSource,
) -> StageDecision | None:
    """Which notice applies on `today` to a duty due on `due_on`, under `policy`.

    None when the duty is not overdue or the pack sets no consequence (national baseline: the
    lateness is recorded, nothing is sent). The first stage applies from the first day overdue;
    the escalation stage once the grace period has run out without a report, i.e. on a day after
    the `collection.criticism_after_wd`-th working day following the first notice (the same
    counting as any deadline: 西安 第三十四条 “经催报仍不能按要求提供的，给予通报批评”).
    """
    if not is_overdue(next_due_on=due_on, today=today):
        return None
    stages = late_provider_stages(policy)
    if stages is None:
        return None
    first, escalation = stages
    article = policy.param(LATE_PROVIDER_KEY).article
    first_on = first_notice_on or today
    if escalation is None:
        return StageDecision(first, False, article, first, first_on, None, None, None, False)
    grace_param = policy.param(GRACE_KEY)
    grace_days = policy.integer(GRACE_KEY)
    if grace_days is None:  # declared non-nullable in the schema; the loader refuses a pack without it
        raise ValueError(f"{GRACE_KEY} is unset in pack {policy.code!r}")
    grace = deadline_after(first_on, grace_days, source=source)
    escalate = first_notice_on is not None and today > grace.date
    return StageDecision(
        stage=escalation if escalate else first,
        escalation=escalate,
        article=article,
        first_stage=first,
        first_notice_on=first_on,
        grace_ends_on=grace.date,
        grace_days=grace_days,
        grace_article=grace_param.article,
        provisional=grace.provisional,
    )


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_text(
    *,
    decision: StageDecision,
    provider_name: str,
    item_code: str,
    item_name: str,
    due_on: date,
    due_provisional: bool = False,
) -> str:
    """The notice as sent: who, which item, the missed due date, what follows, and the article."""
    item = f"“{item_name}”（{item_code}）" if item_name else f"目录项 {item_code}"
    due = chinese_date(due_on) + ("（按暂定工作日历计算）" if due_provisional else "")
    missed = f"{provider_name}应于{due}前报送{item}，截至目前仍未报送。"
    grace = ""
    if decision.grace_ends_on is not None:
        grace = chinese_date(decision.grace_ends_on) + ("（按暂定工作日历计算）" if decision.provisional else "")
    basis = f"依据：{decision.article}。"
    stage = decision.stage
    if stage == NoticeStage.REMINDER:
        return f"书面催报：{missed}请于{grace}前补报；经催报仍不能按要求提供的，将给予通报批评。{basis}"
    if stage == NoticeStage.ORDER:
        return f"责令限期改正：{missed}责令于{grace}前改正并补报；逾期不改的，将提请本级人民政府给予通报批评。{basis}"
    if stage == NoticeStage.CRITICISM:
        before = "书面催报" if decision.first_stage == NoticeStage.REMINDER else "责令限期改正"
        period = f"{decision.grace_days}个工作日" if decision.grace_days is not None else "规定期限"
        if decision.grace_article:
            period += f"（{decision.grace_article}）"
        return (
            f"通报批评：{provider_name}未按规定于{due}前报送{item}，"
            f"经{chinese_date(decision.first_notice_on)}{before}后{period}内仍未报送，予以通报批评。{basis}"
        )
    if stage == NoticeStage.ACCOUNTABILITY:
        return (
            f"提请追究责任：{missed}不按时提供信用信息、对当事人造成不良影响的，"
            f"提请有关部门对负有直接责任的主管人员和其他直接责任人员依法追究责任。{basis}"
        )
    raise ValueError(f"unknown notice stage {stage!r}")
