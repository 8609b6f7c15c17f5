"""发起—响应—反馈 (元宝山方案 五（一）): an entry gives each implementing department a task with a due
date in working days, departments feed back, overdue tasks are flagged once, the loop closes;
a voided entry restores the subject's reputation with everyone who acted on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.lists.models import ExitReason
from pubcredit.lists.services import list_entry_exit, list_entry_void
from pubcredit.lists.tests.factories import enter
from pubcredit.measures.models import Measure, MeasureTask, TaskState
from pubcredit.measures.selectors import loops_visible_to, task_queue, tasks_visible_to
from pubcredit.measures.services import credit_check_run, task_feedback, tasks_sweep
from pubcredit.measures.tests.conftest import Parties, on
from pubcredit.notices.models import Notice

pytestmark = pytest.mark.django_db
D = dt.date


def _assign(parties: Parties) -> None:
    """B04 (财政性资金) to the other provider, B05 (公共资源交易) to the consumer department."""
    Measure.objects.filter(code="B04").update(department=parties.other_clerk.organisation)
    Measure.objects.filter(code="B05").update(department=parties.consumer.organisation)


@override_settings(PUBCREDIT_POLICY="xian")
def test_an_entry_gives_each_implementing_department_a_task_due_in_working_days(parties: Parties) -> None:
    _assign(parties)
    with on(D(2026, 9, 28)):
        entry = enter(parties.clerk, parties.subject, decided_on=D(2026, 9, 28))
    tasks = {t.measure.code: t for t in MeasureTask.objects.filter(entry=entry)}
    assert set(tasks) == {"B04", "B05"}  # measures without a department are shown in checks, not queued
    # 10 WD (measures.feedback_wd, 平台默认) from 09-28 across National Day, counting the 10-10 make-up day.
    assert {t.due_on for t in tasks.values()} == {D(2026, 10, 16)}
    assert tasks["B04"].due_article.startswith("平台默认")
    assert Notice.objects.filter(recipient=parties.consumer, topic="measure").count() == 1
    assert [t.pk for t in task_queue(parties.consumer)] == [tasks["B05"].pk]
    assert set(tasks_visible_to(parties.clerk).values_list("pk", flat=True)) == {t.pk for t in tasks.values()}
    assert not tasks_visible_to(parties.account).exists()


def test_departments_feed_back_and_the_loop_closes(parties: Parties) -> None:
    _assign(parties)
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject)
    funding = MeasureTask.objects.get(entry=entry, measure__code="B04")
    trading = MeasureTask.objects.get(entry=entry, measure__code="B05")
    with on(D(2026, 11, 23)):
        with pytest.raises(PermissionDenied):
            task_feedback(
                actor=parties.consumer, task=funding, state=TaskState.APPLIED, note="", applied_on=D(2026, 11, 23)
            )
        with pytest.raises(ValidationFailed) as no_reason:
            task_feedback(actor=parties.consumer, task=trading, state=TaskState.NOT_APPLICABLE, note=" ")
        assert no_reason.value.field == "note"
        with pytest.raises(ValidationFailed) as early:
            task_feedback(
                actor=parties.other_clerk, task=funding, state=TaskState.APPLIED, note="", applied_on=D(2026, 11, 1)
            )
        assert early.value.field == "applied_on"
        task_feedback(
            actor=parties.other_clerk,
            task=funding,
            state=TaskState.APPLIED,
            note="暂停拨付",
            applied_on=D(2026, 11, 23),
        )
        (loop,) = loops_visible_to(parties.clerk)
        assert (loop.total, loop.answered, loop.open, loop.closed) == (2, 1, 1, False)
        task_feedback(actor=parties.consumer, task=trading, state=TaskState.NOT_APPLICABLE, note="该主体近期无投标活动")
        (loop,) = loops_visible_to(parties.clerk)
        assert loop.closed
        with pytest.raises(ValidationFailed):
            task_feedback(actor=parties.consumer, task=trading, state=TaskState.NOT_APPLICABLE, note="再次反馈")
    assert loops_visible_to(parties.consumer) == []  # the initiator's view is the initiator's
    assert len(loops_visible_to(parties.auditor)) == 1


def test_overdue_tasks_are_flagged_the_day_after_their_due_date_once(parties: Parties) -> None:
    _assign(parties)
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject)
    due = MeasureTask.objects.filter(entry=entry).first().due_on  # type: ignore[union-attr]
    with on(due):
        assert tasks_sweep() == 0  # the last day is not late
    with on(due + dt.timedelta(days=1)):
        assert tasks_sweep() == 2
        assert tasks_sweep() == 0
    (loop,) = loops_visible_to(parties.operator)
    assert loop.overdue == 2
    assert Notice.objects.filter(recipient=parties.clerk, title__contains="逾期未反馈").count() == 1


def test_an_exit_ends_open_tasks_and_answered_ones_stay(parties: Parties) -> None:
    _assign(parties)
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject)
        funding = MeasureTask.objects.get(entry=entry, measure__code="B04")
        task_feedback(
            actor=parties.other_clerk, task=funding, state=TaskState.APPLIED, note="", applied_on=D(2026, 11, 20)
        )
        list_entry_exit(actor=parties.clerk, entry=entry, reason=ExitReason.WITHDRAWAL, note="撤销")
    states = dict(MeasureTask.objects.filter(entry=entry).values_list("measure__code", "state"))
    assert states == {"B04": TaskState.APPLIED, "B05": TaskState.CANCELLED}


def test_a_void_tells_every_department_that_acted_or_checked_to_restore_the_reputation(parties: Parties) -> None:
    _assign(parties)
    checker = parties.consumer
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject)
        funding = MeasureTask.objects.get(entry=entry, measure__code="B04")
        task_feedback(
            actor=parties.other_clerk, task=funding, state=TaskState.APPLIED, note="", applied_on=D(2026, 11, 20)
        )
        check = credit_check_run(actor=checker, subject=parties.subject, business_type="tendering")
        assert check.entry_ids == [entry.pk]
    with on(D(2026, 11, 24)):
        list_entry_void(actor=parties.operator, entry=entry, note="认定对象错误")
    for clerk in (parties.other_clerk, checker):
        assert Notice.objects.filter(recipient=clerk, title__startswith="恢复信誉通知").count() == 1
    funding.refresh_from_db()
    check.refresh_from_db()
    assert funding.restoration_sent_at is not None and check.restoration_sent_at is not None
    assert MeasureTask.objects.get(entry=entry, measure__code="B05").state == TaskState.CANCELLED
