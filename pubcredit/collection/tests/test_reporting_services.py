"""Reporting duties, the daily sweep (idempotent, escalating in working days, per pack) and
what a landed batch settles."""

from __future__ import annotations

import datetime as dt

import pytest

from pubcredit.accounts.tests.factories import ConsumerOrganisationFactory
from pubcredit.collection.models import NoticeStage, ReportingDuty, ReportingNotice
from pubcredit.collection.selectors.reporting import reporting_criticism_list, reporting_notices_open
from pubcredit.collection.services.reporting import (
    on_calendar_year_published,
    reporting_duty_deactivate,
    reporting_duty_mark_reported,
    reporting_duty_set,
    reporting_sweep,
)
from pubcredit.collection.tests.test_reporting_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_reporting_fixtures import SET_ON, on_day, provider_of, set_duty
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.core.workdays import DayEntry
from pubcredit.core.workdays.services import calendar_year_import

pytestmark = pytest.mark.django_db

D = dt.date


def sweep(day: dt.date):
    with on_day(day):
        return reporting_sweep()


# --- duties -----------------------------------------------------------------------------------


def test_operator_sets_a_duty_with_its_next_due_date_and_it_is_audited(catalogue, operator, clerk) -> None:
    duty = set_duty(operator, provider_of(clerk))
    # Weekly from Monday 28 September: 5 October is in the National Day holiday → 8 October.
    assert (duty.next_due_on, duty.next_due_provisional, duty.active) == (D(2026, 10, 8), False, True)
    event = AuditEvent.objects.get(action="collection.reporting_duty_set")
    assert event.actor_id == operator.pk and event.data["next_due_on"] == "2026-10-08" and event.data["created"]
    again = set_duty(operator, provider_of(clerk), frequency="monthly")
    assert again.pk == duty.pk and again.next_due_on == D(2026, 10, 28)
    assert ReportingDuty.objects.count() == 1


def test_a_duty_due_in_an_unpublished_year_is_provisional(catalogue, operator, clerk) -> None:
    duty = set_duty(operator, provider_of(clerk), day=D(2026, 12, 28))
    assert duty.next_due_on == D(2027, 1, 4) and duty.next_due_provisional


def test_only_operators_set_duties(catalogue, clerk, authority) -> None:
    for actor in (clerk, authority, None):
        with on_day(SET_ON), pytest.raises(PermissionDenied, match="只有信用中心可以设定报送义务"):
            reporting_duty_set(actor=actor, provider=provider_of(clerk), item_code="CF", frequency="weekly")
    assert not ReportingDuty.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"frequency": "fortnightly"}, "报送频率“fortnightly”无效"),
        ({"item_code": "NOPE"}, "目录项“NOPE”在 2026-09-28 不存在或未生效"),
        ({"consumer": True}, "不是信息提供单位"),
    ],
)
def test_duty_refusals_name_the_value(catalogue, operator, clerk, overrides, message) -> None:
    provider = ConsumerOrganisationFactory.create() if overrides.pop("consumer", False) else provider_of(clerk)
    kwargs = {"item_code": "CF", "frequency": "weekly", **overrides}
    with on_day(SET_ON), pytest.raises(ValidationFailed, match=message):
        reporting_duty_set(actor=operator, provider=provider, **kwargs)


def test_deactivated_duty_is_not_swept(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    with on_day(SET_ON):
        duty = reporting_duty_deactivate(actor=operator, provider=provider_of(clerk), item_code="CF")
    assert not duty.active
    assert sweep(D(2026, 10, 20)).overdue == 0
    with on_day(SET_ON), pytest.raises(NotFound):
        reporting_duty_deactivate(actor=operator, provider=provider_of(clerk), item_code="XK")
    with on_day(SET_ON), pytest.raises(PermissionDenied):
        reporting_duty_deactivate(actor=clerk, provider=provider_of(clerk), item_code="CF")


# --- sweep ------------------------------------------------------------------------------------


def test_sweep_issues_a_reminder_on_the_first_day_overdue_and_twice_changes_nothing(catalogue, operator, clerk):
    set_duty(operator, provider_of(clerk))
    on_due_day = sweep(D(2026, 10, 8))
    assert on_due_day.overdue == 0 and on_due_day.issued_total == 0
    first = sweep(D(2026, 10, 9))
    assert (first.overdue, first.issued, first.already_issued) == (1, {"reminder": 1}, 0)
    second = sweep(D(2026, 10, 9))
    assert (second.overdue, second.issued_total, second.already_issued) == (1, 0, 1)
    notice = ReportingNotice.objects.get()
    assert (notice.stage, notice.due_on, notice.issued_on, notice.article) == (
        NoticeStage.REMINDER,
        D(2026, 10, 8),
        D(2026, 10, 9),
        "西安 第三十四条",
    )
    assert notice.provider_id == provider_of(clerk).pk
    assert "应于2026年10月8日前报送“行政处罚信息”（CF），截至目前仍未报送" in notice.text
    # 5 working days after 9 October: 10 (调休), 12, 13, 14, 15 October.
    assert "请于2026年10月15日前补报" in notice.text
    events = AuditEvent.objects.filter(action="collection.reporting_sweep").order_by("seq")
    assert [e.data["issued"] for e in events] == [{}, {"reminder": 1}, {}]
    assert events.last().data["already_issued"] == 1


def test_criticism_comes_after_the_grace_period_in_working_days(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    sweep(D(2026, 10, 9))
    for day in (D(2026, 10, 10), D(2026, 10, 11), D(2026, 10, 15)):
        assert sweep(day).issued_total == 0, day
    assert not reporting_criticism_list(operator).exists()
    escalated = sweep(D(2026, 10, 16))
    assert escalated.issued == {"criticism": 1}
    criticism = reporting_criticism_list(operator).get()
    assert criticism.text.startswith("通报批评：") and "经2026年10月9日书面催报后5个工作日" in criticism.text
    assert sweep(D(2026, 10, 16)).issued_total == 0
    assert ReportingNotice.objects.count() == 2


def test_marking_reported_resolves_notices_and_moves_the_due_date(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    sweep(D(2026, 10, 9))
    sweep(D(2026, 10, 16))
    assert reporting_notices_open(operator).count() == 2
    with on_day(D(2026, 10, 19)):
        duty = reporting_duty_mark_reported(provider=provider_of(clerk), item_code="CF", on=D(2026, 10, 19))
    assert duty is not None
    assert (duty.last_reported_on, duty.next_due_on) == (D(2026, 10, 19), D(2026, 10, 26))
    assert not reporting_notices_open(operator).exists() and not reporting_criticism_list(operator).exists()
    assert set(ReportingNotice.objects.values_list("resolved_on", flat=True)) == {D(2026, 10, 19)}
    assert sweep(D(2026, 10, 26)).overdue == 0
    # The next missed due date starts over with a reminder.
    assert sweep(D(2026, 10, 27)).issued == {"reminder": 1}


def test_a_report_without_a_duty_changes_nothing(catalogue, clerk) -> None:
    with on_day(SET_ON):
        assert reporting_duty_mark_reported(provider=provider_of(clerk), item_code="CF", on=SET_ON) is None
    assert not ReportingDuty.objects.exists()


def test_an_earlier_report_date_does_not_move_the_duty_back(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    with on_day(D(2026, 10, 20)):
        reporting_duty_mark_reported(provider=provider_of(clerk), item_code="CF", on=D(2026, 10, 20))
        duty = reporting_duty_mark_reported(provider=provider_of(clerk), item_code="CF", on=D(2026, 10, 12))
    assert duty is not None and duty.last_reported_on == D(2026, 10, 20) and duty.next_due_on == D(2026, 10, 27)


@pytest.mark.parametrize(
    ("pack", "first", "then", "article"),
    [
        ("xian", "reminder", "criticism", "西安 第三十四条"),
        ("dalian", "order", "criticism", "大连 第十九条"),
        ("nantong", "accountability", None, "南通 第二十二条"),
    ],
)
def test_each_pack_issues_its_own_stages(settings, catalogue, operator, clerk, pack, first, then, article) -> None:
    settings.PUBCREDIT_POLICY = pack
    set_duty(operator, provider_of(clerk))
    assert sweep(D(2026, 10, 9)).issued == {first: 1}
    later = sweep(D(2026, 10, 16))
    assert later.issued == ({then: 1} if then else {})
    assert later.policy == pack
    notices = list(ReportingNotice.objects.order_by("pk").values_list("stage", "article"))
    assert notices == [(first, article)] + ([(then, article)] if then else [])


def test_national_baseline_records_lateness_but_sends_nothing(settings, catalogue, operator, clerk) -> None:
    settings.PUBCREDIT_POLICY = "national"
    set_duty(operator, provider_of(clerk))
    result = sweep(D(2026, 10, 20))
    assert (result.overdue, result.issued_total, result.no_consequence, result.late_provider) == (1, 0, 1, "none")
    assert not ReportingNotice.objects.exists()
    event = AuditEvent.objects.get(action="collection.reporting_sweep")
    assert event.data["overdue"] == 1 and event.data["late_provider"] == "none"


def test_provisional_due_date_is_said_in_the_notice(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk), day=D(2026, 12, 28))
    result = sweep(D(2027, 1, 5))
    assert result.issued == {"reminder": 1}
    assert "2027年1月4日（按暂定工作日历计算）前报送" in ReportingNotice.objects.get().text


def test_publishing_a_year_makes_provisional_due_dates_official(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk), day=D(2026, 12, 28))
    with on_day(D(2026, 12, 29)):
        duty = reporting_duty_mark_reported(provider=provider_of(clerk), item_code="CF", on=D(2026, 12, 29))
    assert duty is not None and (duty.next_due_on, duty.next_due_provisional) == (D(2027, 1, 5), True)
    with on_day(D(2026, 12, 30)):
        # A fictional 2027 schedule in which 5 January is a day off.
        calendar_year_import(
            actor=None,
            year=2027,
            entries=[DayEntry(D(2027, 1, 1), False, "元旦"), DayEntry(D(2027, 1, 5), False, "测试假日")],
        )
        on_calendar_year_published(sender=None, year=2027)
    duty.refresh_from_db()
    assert (duty.next_due_on, duty.next_due_provisional) == (D(2027, 1, 6), False)
    assert AuditEvent.objects.get(action="collection.reporting_duties_recompute").data == {
        "year": 2027,
        "changed": 1,
    }
