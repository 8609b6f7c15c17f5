"""On-time rates computed by query from the records, and who sees which duties and notices."""

from __future__ import annotations

import datetime as dt

import pytest

from pubcredit.accounts.tests.factories import AuditorFactory, ConsumerClerkFactory, anonymous
from pubcredit.collection.models import ReportingNotice
from pubcredit.collection.selectors.reporting import (
    reporting_criticism_list,
    reporting_duties_overdue,
    reporting_duties_visible_to,
    reporting_late_records,
    reporting_notices_of_provider,
    reporting_notices_visible_to,
    reporting_timeliness,
)
from pubcredit.collection.services.reporting import reporting_sweep
from pubcredit.collection.tests.test_reporting_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_reporting_fixtures import on_day, provider_of, report_cf, set_duty

pytestmark = pytest.mark.django_db

D = dt.date
DECIDED = D(2026, 9, 28)  # 双公示 7 working days across National Day (with 调休 10 Oct) → due 13 October


@pytest.fixture
def reported(catalogue, clerk, other_clerk):
    """clerk: 2 on time (make-up Saturday, last working day), 1 late; other_clerk: 1 late."""
    report_cf(clerk, decided_on=DECIDED, reported_on=D(2026, 10, 10))
    last_day = report_cf(clerk, decided_on=DECIDED, reported_on=D(2026, 10, 13))
    late = report_cf(clerk, decided_on=DECIDED, reported_on=D(2026, 10, 14))
    report_cf(other_clerk, decided_on=DECIDED, reported_on=D(2026, 10, 20))
    assert last_day.report_due_on == D(2026, 10, 13) == late.report_due_on
    return last_day, late


def test_on_time_rate_counts_the_last_working_day_as_on_time(reported, operator, clerk, other_clerk) -> None:
    rows = {r.provider_id: r for r in reporting_timeliness(operator, start=D(2026, 10, 1), end=D(2026, 10, 31))}
    mine = rows[provider_of(clerk).pk]
    assert (mine.received, mine.on_time, mine.late, mine.without_deadline) == (3, 2, 1, 0)
    assert mine.rate == pytest.approx(2 / 3)
    assert [(i.item_code, i.item_name, i.on_time, i.late) for i in mine.by_item] == [("CF", "行政处罚信息", 2, 1)]
    other = rows[provider_of(other_clerk).pk]
    assert (other.received, other.late, other.rate) == (1, 1, 0.0)
    # Worst first.
    assert [r.provider_id for r in reporting_timeliness(operator, start=D(2026, 10, 1), end=D(2026, 10, 31))] == [
        provider_of(other_clerk).pk,
        provider_of(clerk).pk,
    ]


def test_date_range_is_inclusive_on_reported_on(reported, operator, clerk) -> None:
    only_13th = reporting_timeliness(operator, start=D(2026, 10, 11), end=D(2026, 10, 13))
    assert [(r.received, r.on_time, r.late) for r in only_13th] == [(1, 1, 0)]
    late = list(reporting_late_records(clerk, start=D(2026, 10, 1), end=D(2026, 10, 31)))
    assert [r.pk for r in late] == [reported[1].pk]


def test_provider_with_a_duty_and_no_records_shows_zeros(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    [row] = reporting_timeliness(operator, start=D(2026, 10, 1), end=D(2026, 10, 31))
    assert (row.received, row.rate, [i.item_code for i in row.by_item]) == (0, None, ["CF"])


def test_provider_staff_see_only_their_own_rates(reported, clerk, other_clerk) -> None:
    rows = reporting_timeliness(clerk, start=D(2026, 10, 1), end=D(2026, 10, 31))
    assert [r.provider_id for r in rows] == [provider_of(clerk).pk]
    assert reporting_timeliness(ConsumerClerkFactory.create(), start=D(2026, 10, 1), end=D(2026, 10, 31)) == []


def test_rate_is_flagged_when_deadlines_are_provisional(catalogue, operator, clerk) -> None:
    record = report_cf(clerk, decided_on=D(2026, 12, 28), reported_on=D(2027, 1, 4))
    assert record.report_due_provisional
    [row] = reporting_timeliness(operator, start=D(2027, 1, 1), end=D(2027, 1, 31))
    assert (row.on_time, row.provisional) == (1, 1)


@pytest.fixture
def notices(catalogue, operator, clerk, other_clerk):
    set_duty(operator, provider_of(clerk))
    set_duty(operator, provider_of(other_clerk), code="XK")
    for day in (D(2026, 10, 9), D(2026, 10, 16)):
        with on_day(day):
            reporting_sweep()
    assert ReportingNotice.objects.count() == 4


def test_operators_and_authorities_see_every_notice(notices, operator, authority) -> None:
    for user in (operator, authority):
        assert reporting_notices_visible_to(user).count() == 4
        assert reporting_criticism_list(user).count() == 2
        assert reporting_duties_visible_to(user).count() == 2


def test_provider_sees_only_its_own_notices_and_duties(notices, clerk, other_clerk) -> None:
    mine = reporting_notices_visible_to(clerk)
    assert mine.count() == 2 and set(mine.values_list("provider_id", flat=True)) == {provider_of(clerk).pk}
    assert not reporting_notices_of_provider(clerk, provider_of(other_clerk).pk).exists()
    assert reporting_notices_of_provider(other_clerk, provider_of(other_clerk).pk).count() == 2
    assert [d.item_code for d in reporting_duties_overdue(clerk, today=D(2026, 10, 16))] == ["CF"]


def test_others_see_no_notice(notices) -> None:
    for user in (anonymous(), None, ConsumerClerkFactory.create(), AuditorFactory.create()):
        assert not reporting_notices_visible_to(user).exists()
        assert not reporting_duties_visible_to(user).exists()


def test_overdue_duties_start_the_day_after_the_due_date(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    assert not reporting_duties_overdue(operator, today=D(2026, 10, 8)).exists()
    assert reporting_duties_overdue(operator, today=D(2026, 10, 9)).count() == 1
