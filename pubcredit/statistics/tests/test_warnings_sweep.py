"""The early-warning sweep: each kind raised at its boundary and not before, cleared when its
condition goes, idempotent, audited once per run, and each new warning noticed once to its queue."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from pubcredit.core.models import AuditEvent
from pubcredit.measures.models import MeasureTask
from pubcredit.objections.models import Objection
from pubcredit.records.models import Record
from pubcredit.repairs.models import RepairApplication
from pubcredit.statistics.models import EarlyWarning, WarningState
from pubcredit.statistics.tests.warning_fixtures import (
    People,
    bad_records,
    duty,
    measure_task,
    objection,
    objection_item,
    on,
    open_keys,
    org_subject,
    people_fixture,  # noqa: F401
    person_subject,
    repair,
    sweep,
    tally,
    warning_notices,
)
from pubcredit.statistics.warning_services import SweepResult, warning_handle

pytestmark = pytest.mark.django_db
D = dt.date


def _warning(key: str, state: str = "open") -> EarlyWarning:
    return EarlyWarning.objects.get(key=key, state=state)


# --- bad_rise --------------------------------------------------------------------------------------


def test_bad_rise_is_raised_at_the_count_and_not_one_below(people: People) -> None:
    company = org_subject()
    bad_records(company, people.provider, D(2026, 10, 5), 2)
    bad_records(company, people.provider, D(2026, 10, 6), 3, kind="good")  # good records never count
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)
    bad_records(company, people.provider, D(2026, 10, 9), 1)
    assert sweep(D(2026, 10, 9)) == SweepResult(1, 0)
    warning = _warning(f"bad_rise:{company.pk}")
    assert (warning.kind, warning.level, warning.organisation_id, warning.subject_id) == (
        "bad_rise",
        "notice",
        None,
        company.pk,
    )
    assert company.name in warning.title and "3 条" in warning.title
    assert "warnings.bad_rise_count = 3（平台默认" in warning.article
    assert "warnings.bad_rise_days = 30（平台默认" in warning.article
    # The credit centre's queue: every operator once, nobody else.
    for operator in (people.operator, people.other_operator):
        [notice] = warning_notices(operator)
        assert notice.link == "/statistics/warnings/?kind=bad_rise"
        assert warning.title in notice.title
    for other in (people.clerk, people.other_clerk, people.consumer, people.authority, people.auditor):
        assert warning_notices(other) == []


def test_a_backfill_of_old_decisions_is_not_a_rise(people: People) -> None:
    company = org_subject()
    # Collected today, decided years ago (a first load, or a provider sending its history).
    bad_records(company, people.provider, D(2026, 10, 9), 5, decided_on=D(2023, 4, 1))
    # Decided the day before the window opens: still history.
    bad_records(company, people.provider, D(2026, 10, 9), 1, decided_on=D(2026, 9, 9))
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)
    bad_records(company, people.provider, D(2026, 10, 9), 3, decided_on=D(2026, 9, 10))  # the window's first day
    assert sweep(D(2026, 10, 9)) == SweepResult(1, 0)
    assert "3 条" in _warning(f"bad_rise:{company.pk}").title


def test_bad_rise_counts_the_last_thirty_days_and_clears_when_one_leaves_the_window(people: People) -> None:
    company = org_subject()
    bad_records(company, people.provider, D(2026, 9, 10), 1)  # the first day of the window on 10-09
    bad_records(company, people.other_provider, D(2026, 10, 1), 2)  # several providers add up
    assert sweep(D(2026, 10, 9)).raised == 1
    assert sweep(D(2026, 10, 10)) == SweepResult(0, 1)  # 09-10 has left the window
    warning = _warning(f"bad_rise:{company.pk}", "cleared")
    assert warning.closed_at is not None
    assert len(warning_notices(people.operator)) == 1


def test_withdrawn_records_do_not_count(people: People) -> None:
    company = org_subject()
    bad_records(company, people.provider, D(2026, 10, 8), 3)
    Record.objects.filter(pk=Record.objects.filter(subject=company).first().pk).update(status="withdrawn")  # type: ignore[union-attr]
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)


def test_a_person_is_named_masked_and_never_by_id_number(people: People) -> None:
    person = person_subject()
    bad_records(person, people.provider, D(2026, 10, 8), 3)
    sweep(D(2026, 10, 9))
    warning = _warning(f"bad_rise:{person.pk}")
    assert warning.key == f"bad_rise:{person.pk}"
    assert person.name not in warning.title + warning.detail
    assert warning.title.startswith(person.name[0] + "*")
    [notice] = warning_notices(people.operator)
    assert person.name not in notice.title + notice.body
    for text in (warning.key, warning.title, warning.detail, warning.link, notice.title, notice.body):
        assert not re.search(r"\d{17}[\dX]", text)


def test_a_handled_bad_rise_comes_back_only_with_enough_new_records(people: People) -> None:
    company = org_subject()
    bad_records(company, people.provider, D(2026, 10, 8), 3)
    sweep(D(2026, 10, 9))
    warning = _warning(f"bad_rise:{company.pk}")
    with on(D(2026, 10, 9), 15):
        warning_handle(actor=people.operator, warning_id=warning.pk, note="已联系提供单位核实")
    bad_records(company, people.provider, D(2026, 10, 10), 2)
    assert sweep(D(2026, 10, 12)) == SweepResult(0, 0)
    bad_records(company, people.provider, D(2026, 10, 12), 1)
    assert sweep(D(2026, 10, 13)) == SweepResult(1, 0)
    assert EarlyWarning.objects.filter(key=f"bad_rise:{company.pk}").count() == 2
    assert len(warning_notices(people.operator)) == 2


def test_a_bad_rise_handled_before_the_window_does_not_hold_back_a_new_one(people: People) -> None:
    company = org_subject()
    bad_records(company, people.provider, D(2026, 10, 8), 3)
    sweep(D(2026, 10, 9))
    with on(D(2026, 10, 9), 15):
        warning_handle(actor=people.operator, warning_id=_warning(f"bad_rise:{company.pk}").pk, note="已核实")
    bad_records(company, people.provider, D(2026, 11, 18), 3)
    assert sweep(D(2026, 11, 20)) == SweepResult(1, 0)  # the window starts 10-22, after the handling
    assert open_keys() == {f"bad_rise:{company.pk}"}


# --- provider_silent -------------------------------------------------------------------------------


def test_a_provider_is_silent_the_day_after_its_due_date(people: People) -> None:
    overdue = duty(people.provider, next_due_on=D(2026, 10, 9))
    duty(people.other_provider, next_due_on=D(2026, 10, 1), active=False)  # no longer a duty
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)
    assert sweep(D(2026, 10, 10)) == SweepResult(1, 0)
    warning = _warning(f"provider_silent:{overdue.pk}:2026-10-09")
    assert (warning.level, warning.organisation_id) == ("alert", people.provider.pk)
    assert people.provider.name in warning.title and "CF" in warning.title
    assert "报送频率：每周；报送截止日 2026-10-09 已过；最近报送日期：尚未报送" in warning.detail
    assert warning.link == "/collection/reporting/"
    [notice] = warning_notices(people.clerk)
    assert notice.link == "/collection/reporting/"
    for other in (people.other_clerk, people.operator, people.consumer):
        assert warning_notices(other) == []
    # The provider reports: the duty's next due date moves on and the warning clears.
    type(overdue).objects.filter(pk=overdue.pk).update(last_reported_on=D(2026, 10, 10), next_due_on=D(2026, 10, 16))
    assert sweep(D(2026, 10, 12)) == SweepResult(0, 1)
    assert open_keys() == set()


# --- loop_deadline ---------------------------------------------------------------------------------


def test_an_objection_is_near_on_the_last_working_day_before_national_day_and_past_the_day_after(
    people: People,
) -> None:
    company = org_subject()
    desk = objection(company, due_on=D(2026, 10, 9))
    notice_key = f"loop_deadline:objection:{desk.pk}:2026-10-09:notice"
    alert_key = f"loop_deadline:objection:{desk.pk}:2026-10-09:alert"
    assert sweep(D(2026, 9, 29)) == SweepResult(0, 0)  # 09-30, 10-08, 10-09: three working days
    assert sweep(D(2026, 9, 30)) == SweepResult(1, 0)  # 10-08, 10-09: two
    assert open_keys() == {notice_key}
    warning = _warning(notice_key)
    assert (warning.level, warning.organisation_id) == ("notice", None)
    assert warning.link == f"/objections/{desk.pk}/"
    assert desk.number in warning.title and "临近" in warning.title
    assert warning.article.startswith("warnings.loop_near_wd = 2（平台默认")
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)  # due today: still the same notice
    assert sweep(D(2026, 10, 10)) == SweepResult(1, 1)  # the make-up Saturday after: overdue
    assert open_keys() == {alert_key}
    assert _warning(alert_key).level == "alert"
    assert _warning(notice_key, "cleared").closed_at is not None
    assert [n.link for n in warning_notices(people.operator)] == [f"/objections/{desk.pk}/"] * 2
    assert warning_notices(people.clerk) == []
    # Closed at the desk: the alert clears.
    Objection.objects.filter(pk=desk.pk).update(state="closed")
    assert sweep(D(2026, 10, 12)) == SweepResult(0, 1)
    assert open_keys() == set()


def test_a_provider_answer_due_after_the_make_up_saturday_goes_to_that_provider(people: People) -> None:
    item = objection_item(org_subject(), people.provider, due_on=D(2026, 10, 12))
    assert sweep(D(2026, 10, 8)) == SweepResult(0, 0)  # 10-09, 10-10, 10-12
    assert sweep(D(2026, 10, 9)) == SweepResult(1, 0)  # 10-10 (调休), 10-12
    warning = _warning(f"loop_deadline:objection_item:{item.pk}:2026-10-12:notice")
    assert warning.organisation_id == people.provider.pk
    assert warning.link == f"/objections/{item.objection_id}/"
    [notice] = warning_notices(people.clerk)
    assert notice.link == warning.link
    assert warning_notices(people.operator) == [] and warning_notices(people.other_clerk) == []


def test_a_repair_whose_due_date_moves_clears_and_is_raised_for_the_new_date(people: People) -> None:
    application = repair(people.account, people.provider, due_on=D(2026, 10, 9))
    sweep(D(2026, 10, 9))
    assert open_keys() == {f"loop_deadline:repair:{application.pk}:2026-10-09:notice"}
    RepairApplication.objects.filter(pk=application.pk).update(decision_due_on=D(2026, 10, 13))
    assert sweep(D(2026, 10, 12)) == SweepResult(1, 1)
    assert open_keys() == {f"loop_deadline:repair:{application.pk}:2026-10-13:notice"}
    assert [n.link for n in warning_notices(people.clerk)] == [f"/repairs/{application.pk}/"] * 2
    assert warning_notices(people.account) == []  # the subject is not the queue
    RepairApplication.objects.filter(pk=application.pk).update(state="accepted", decided_at=timezone.now())
    assert sweep(D(2026, 10, 13)) == SweepResult(0, 1)


def test_a_measure_task_goes_to_its_department_and_clears_when_fed_back(people: People) -> None:
    assert people.account.subject is not None
    task = measure_task(people.clerk, people.account.subject, people.department, due_on=D(2026, 10, 14))
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)  # 10-10, 10-12, 10-13, 10-14
    assert sweep(D(2026, 10, 12)) == SweepResult(1, 0)
    warning = _warning(f"loop_deadline:measure_task:{task.pk}:2026-10-14:notice")
    assert warning.organisation_id == people.department.pk
    [notice] = warning_notices(people.consumer)
    assert notice.link == "/measures/queue/"
    assert warning_notices(people.clerk) == []
    MeasureTask.objects.filter(pk=task.pk).update(state="applied")
    assert sweep(D(2026, 10, 13)) == SweepResult(0, 1)


# --- volume_drop -----------------------------------------------------------------------------------


def _baseline(people: People) -> None:
    for month in (D(2026, 6, 1), D(2026, 7, 1), D(2026, 8, 1)):
        tally(people.provider, month, 60, dimension="supervision")
        tally(people.provider, month, 40, dimension="judgment")  # summed over the dimension


def test_volume_at_exactly_the_percent_is_no_drop(people: People) -> None:
    _baseline(people)
    tally(people.provider, D(2026, 9, 1), 30)
    tally(people.provider, D(2026, 9, 1), 20, dimension="judgment")
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)


def test_volume_just_below_the_percent_is_a_drop_and_a_recovered_rollup_clears_it(people: People) -> None:
    _baseline(people)
    september = tally(people.provider, D(2026, 9, 1), 49)
    assert sweep(D(2026, 10, 9)) == SweepResult(1, 0)
    warning = _warning(f"volume_drop:{people.provider.pk}:2026-09")
    assert warning.organisation_id == people.provider.pk
    assert "49 条" in warning.detail and "100.0 条" in warning.detail
    assert "warnings.volume_drop_percent = 50" in warning.article
    assert len(warning_notices(people.clerk)) == 1
    assert warning_notices(people.other_clerk) == [] and warning_notices(people.operator) == []
    type(september).objects.filter(pk=september.pk).update(value=80)  # the next rollup's figure
    assert sweep(D(2026, 10, 10)) == SweepResult(0, 1)


def test_a_later_month_replaces_the_volume_warning(people: People) -> None:
    _baseline(people)
    tally(people.provider, D(2026, 9, 1), 10)
    tally(people.provider, D(2026, 10, 1), 10)
    sweep(D(2026, 10, 9))
    # In November the baseline is July–September (100, 100, 10: average 70), October's 10 still drops.
    assert sweep(D(2026, 11, 2)) == SweepResult(1, 1)
    assert open_keys() == {f"volume_drop:{people.provider.pk}:2026-10"}


def test_no_volume_warning_without_a_baseline_of_one_record_a_month(people: People) -> None:
    tally(people.provider, D(2026, 7, 1), 2)  # 2 records in three months: average 0.67
    assert sweep(D(2026, 10, 9)) == SweepResult(0, 0)


# --- the run ---------------------------------------------------------------------------------------


def test_a_second_sweep_the_same_day_raises_and_clears_nothing_and_each_run_is_audited(people: People) -> None:
    company = org_subject()
    bad_records(company, people.provider, D(2026, 10, 8), 3)
    duty(people.provider, next_due_on=D(2026, 10, 1))
    objection(company, due_on=D(2026, 10, 9))
    _baseline(people)
    tally(people.provider, D(2026, 9, 1), 1)
    before = AuditEvent.objects.filter(action="statistics.warnings_sweep").count()
    first = sweep(D(2026, 10, 9))
    assert first == SweepResult(4, 0)
    assert sweep(D(2026, 10, 9), hour=18) == SweepResult(0, 0)
    assert EarlyWarning.objects.count() == 4
    assert len(warning_notices(people.operator)) == 2  # bad_rise and the objection
    assert len(warning_notices(people.clerk)) == 2  # silent and volume
    events = list(AuditEvent.objects.filter(action="statistics.warnings_sweep").order_by("seq"))[before:]
    assert len(events) == 2
    assert events[0].actor_id is None
    assert events[0].data["raised"] == 4 and events[0].data["cleared"] == 0
    assert events[0].data["kinds"]["loop_deadline"] == {"raised": 1, "cleared": 0}
    assert events[1].data["raised"] == 0


def test_a_handled_dated_warning_is_not_raised_again_while_it_holds(people: People) -> None:
    overdue = duty(people.provider, next_due_on=D(2026, 10, 9))
    sweep(D(2026, 10, 10))
    warning = _warning(f"provider_silent:{overdue.pk}:2026-10-09")
    with on(D(2026, 10, 10), 11):
        warning_handle(actor=people.clerk, warning_id=warning.pk, note="已于今日补报")
    assert sweep(D(2026, 10, 12)) == SweepResult(0, 0)
    assert EarlyWarning.objects.get(pk=warning.pk).state == WarningState.HANDLED
    assert len(warning_notices(people.clerk)) == 1


def test_the_command_sweeps_the_given_day(people: People) -> None:
    duty(people.provider, next_due_on=D(2026, 10, 9))
    out = StringIO()
    with on(D(2026, 10, 20)):
        call_command("statistics", "warn", "--date", "2026-10-10", stdout=out)
    assert out.getvalue().strip() == "1 warnings raised, 0 cleared"


@pytest.mark.postgres_only
def test_the_bad_rise_query_reads_the_provider_created_index(people: People) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    from pubcredit.accounts.models import Organisation
    from pubcredit.statistics import warning_rules as rules

    first, last = rules.bad_rise_window(D(2026, 10, 9), 30)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_current_timezone())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    query = Record.objects.order_by().filter(
        provider_id__in=list(Organisation.objects.values_list("pk", flat=True)),
        created_at__gte=start,
        created_at__lt=end,
        kind="bad",
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: ask whether the index fits
        plan = query.values("subject_id").explain()
    assert "record_provider_created" in plan
