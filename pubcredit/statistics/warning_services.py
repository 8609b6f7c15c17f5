"""Early warnings (西安 第六条): raised by a daily sweep, sent to the queue that must act.

`warnings_sweep` gathers the facts of each warning kind, asks `warning_rules` which conditions
hold on the day, raises a warning (and one in-platform notice to the responsible queue) for each
condition without an open one, and clears the open warnings whose condition is gone. Each kind
runs in its own transaction, so a failure in one leaves the others' work in place; the run is
audited once with its counts. A second run on the same day finds every condition already open and
nothing to clear: it raises and clears nothing.

A condition someone has handled is not raised again while it persists: the dated kinds carry the
date in their key (a new due date or a new month is a new condition), and a handled `bad_rise`
comes back only when enough new bad records arrive after it was handled.

Staff handle a warning with `warning_handle` (a note is required): operators any warning, a
provider's or consumer's clerk those of their own organisation.

The sweep reads the source tables directly, as the rollup does: it only selects facts by index
and never writes outside the warnings and notices.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may, audit_identity, is_superuser
from pubcredit.accounts.models import Organisation, ReportingFrequency, User
from pubcredit.collection.models import ReportingDuty
from pubcredit.collection.rules import LATE_PROVIDER_KEY
from pubcredit.core.audit import audit_record
from pubcredit.core.crypto import mask_person_name
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.core.workdays import CalendarSource, add_working_days, database_calendar
from pubcredit.measures.models import MeasureTask, TaskState
from pubcredit.notices.services import notices_send, organisation_staff, role_holders
from pubcredit.objections.models import OPEN_STATES, ItemState, Objection, ObjectionItem
from pubcredit.policy import get_policy
from pubcredit.records.models import Record, RecordStatus
from pubcredit.repairs.models import RepairApplication, RepairState
from pubcredit.statistics import warning_rules as rules
from pubcredit.statistics.models import EarlyWarning, Tally, WarningKind, WarningLevel, WarningState
from pubcredit.subjects.models import Subject

TOPIC = "statistics.warning"
NOTE_MAX = 500
T = TypeVar("T")
KEY_CHUNK = 1000
COLLECTED = "records.collected"


@dataclass(frozen=True, slots=True)
class SweepResult:
    raised: int
    cleared: int

    def summary(self) -> str:
        return f"{self.raised} warnings raised, {self.cleared} cleared"


@dataclass(frozen=True, slots=True)
class Condition:
    """A warning that should be open on the day, and who must hear of it."""

    key: str
    level: str
    title: str
    detail: str
    article: str
    link: str
    subject_id: int | None = None
    organisation_id: int | None = None  # None: the credit centre's queue (operators)


@dataclass(slots=True)
class _Facts:
    """The conditions of one kind, and the handled keys that may be raised again anyway."""

    conditions: dict[str, Condition] = field(default_factory=dict)
    reraise_handled: set[str] = field(default_factory=set)

    def add(self, condition: Condition) -> None:
        self.conditions[condition.key] = condition


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _subject_label(kind: str, name: str) -> str:
    """Organisations by name; a person's name masked (张*), never an ID number."""
    return mask_person_name(name) if kind == "person" else name


# --- facts per kind --------------------------------------------------------------------------------


def _bad_rise(on: dt.date, t: rules.Thresholds) -> _Facts:
    """Subjects with at least `bad_rise_count` bad records collected in the last `bad_rise_days` days
    and decided in them too: a first load or a backfill of old decisions is history, not a rise.

    The records are selected by the (provider, created_at) index `record_provider_created`: every
    provider id is listed, so the planner reads only the window of each provider's index range
    instead of scanning 10,000,000 records. Withdrawn records (sent in error) do not count.
    """
    first, last = rules.bad_rise_window(on, t.bad_rise_days.value)
    start, end = _day_start(first), _day_start(last + dt.timedelta(days=1))
    provider_ids = list(Organisation.objects.order_by().values_list("pk", flat=True))
    window = Record.objects.order_by().filter(
        provider_id__in=provider_ids, created_at__gte=start, created_at__lt=end, kind="bad", decided_on__gte=first
    )
    window = window.exclude(status=RecordStatus.WITHDRAWN)
    counts = {
        row["subject_id"]: row["n"]
        for row in window.values("subject_id").annotate(n=Count("id"))
        if rules.bad_rise_applies(row["n"], t.bad_rise_count.value)
    }
    facts = _Facts()
    if not counts:
        return facts
    # A warning handled inside the window covers the records seen so far: it comes back only when
    # enough new bad records arrive after it was handled.
    handled: dict[int, dt.datetime] = {}
    for chunk in _chunks([rules.bad_rise_key(pk) for pk in counts]):
        for key, closed_at in (
            EarlyWarning.objects.filter(
                kind=WarningKind.BAD_RISE, state=WarningState.HANDLED, key__in=chunk, closed_at__gte=start
            )
            .order_by("closed_at")
            .values_list("key", "closed_at")
        ):
            assert closed_at is not None
            subject_id = int(key.split(":")[1])
            handled[subject_id] = max(closed_at, handled.get(subject_id, closed_at))
    for subject_id, closed_at in handled.items():
        since = window.filter(subject_id=subject_id, created_at__gt=closed_at).count()
        if not rules.bad_rise_applies(since, t.bad_rise_count.value):
            del counts[subject_id]
    # What is left holds on its own: a warning handled before the window does not hold it back.
    facts.reraise_handled.update(rules.bad_rise_key(pk) for pk in counts)
    subjects: dict[int, Subject] = {}
    for chunk_ids in _chunks(sorted(counts)):
        subjects.update((s.pk, s) for s in Subject.objects.filter(pk__in=chunk_ids).only("pk", "kind", "name"))
    article = f"{t.bad_rise_count.citation}；{t.bad_rise_days.citation}"
    link = reverse("statistics:warnings") + f"?kind={WarningKind.BAD_RISE}"
    for subject_id, n in sorted(counts.items()):
        subject = subjects.get(subject_id)
        if subject is None:
            continue
        label = _subject_label(subject.kind, subject.name)
        facts.add(
            Condition(
                key=rules.bad_rise_key(subject_id),
                level=WarningLevel.NOTICE,
                title=f"{label}近 {t.bad_rise_days.value} 日新增失信信息 {n} 条",
                detail=(
                    f"{first.isoformat()} 至 {last.isoformat()} 平台共归集该主体的失信信息 {n} 条，"
                    f"达到预警数量 {t.bad_rise_count.value} 条。请信用中心关注并核实。"
                ),
                article=article,
                link=link,
                subject_id=subject_id,
            )
        )
    return facts


def _provider_silent(on: dt.date) -> _Facts:
    """Active reporting duties whose `next_due_on` has passed: the provider has not reported
    within its frequency (by the `reporting_duty_due_sweep` index)."""
    facts = _Facts()
    late = get_policy(on=on).param(LATE_PROVIDER_KEY)
    article = f"报送义务（{LATE_PROVIDER_KEY}：{late.article}，{late.pack}）"
    link = reverse("collection:reporting_overview")
    duties = (
        ReportingDuty.objects.filter(active=True, next_due_on__lt=on)
        .select_related("provider")
        .order_by("next_due_on", "pk")
    )
    for duty in duties:
        if not rules.provider_silent(duty.next_due_on, on):
            continue
        last = duty.last_reported_on.isoformat() if duty.last_reported_on else "尚未报送"
        frequency = dict(ReportingFrequency.choices).get(duty.frequency, duty.frequency)
        facts.add(
            Condition(
                key=rules.provider_silent_key(duty.pk, duty.next_due_on),
                level=WarningLevel.ALERT,
                title=f"{duty.provider.name}逾期未报送目录项 {duty.item_code}",
                detail=(
                    f"报送频率：{frequency}；报送截止日 {duty.next_due_on.isoformat()} 已过；"
                    f"最近报送日期：{last}。请尽快报送。"
                ),
                article=article,
                link=link,
                organisation_id=duty.provider_id,
            )
        )
    return facts


_LOOP_TEXT = {
    WarningLevel.NOTICE: "临近办理时限",
    WarningLevel.ALERT: "已超过办理时限",
}


@dataclass(frozen=True, slots=True)
class _Loop:
    """One open loop with a due date: which table and row, what it is, where to act, whose it is."""

    loop: str
    pk: int
    due_on: dt.date
    what: str
    link: str
    subject_id: int | None
    organisation_id: int | None


def _open_loops(horizon: dt.date) -> Iterator[_Loop]:
    """Objections at the desk, objection items at their provider, repair decisions and measure
    tasks due on or before `horizon`, each read by the due-date index of its table."""
    objections = Objection.objects.filter(state__in=list(OPEN_STATES), due_on__isnull=False, due_on__lte=horizon)
    for objection in objections.only("pk", "number", "due_on", "subject_id", "state").order_by("due_on", "pk"):
        assert objection.due_on is not None
        yield _Loop(
            "objection",
            objection.pk,
            objection.due_on,
            f"异议申请 {objection.number}（{objection.get_state_display()}）",
            reverse("objections:detail", args=[objection.pk]),
            objection.subject_id,
            None,
        )
    items = ObjectionItem.objects.filter(
        state=ItemState.VERIFYING, provider_due_on__isnull=False, provider_due_on__lte=horizon
    ).select_related("objection")
    for item in items.order_by("provider_due_on", "pk"):
        assert item.provider_due_on is not None
        yield _Loop(
            "objection_item",
            item.pk,
            item.provider_due_on,
            f"异议申请 {item.objection.number} 中目录项 {item.item_code} 的核查答复",
            reverse("objections:detail", args=[item.objection_id]),
            item.objection.subject_id,
            item.provider_id,
        )
    repairs = RepairApplication.objects.filter(
        state=RepairState.SUBMITTED, decision_due_on__isnull=False, decision_due_on__lte=horizon
    ).only("pk", "number", "decision_due_on", "subject_id", "provider_id")
    for repair in repairs.order_by("decision_due_on", "pk"):
        assert repair.decision_due_on is not None
        yield _Loop(
            "repair",
            repair.pk,
            repair.decision_due_on,
            f"信用修复申请 {repair.number or repair.pk} 的修复决定",
            reverse("repairs:detail", args=[repair.pk]),
            repair.subject_id,
            repair.provider_id,
        )
    tasks = MeasureTask.objects.filter(state=TaskState.OPEN, due_on__lte=horizon).select_related("entry", "measure")
    for task in tasks.order_by("due_on", "pk"):
        yield _Loop(
            "measure_task",
            task.pk,
            task.due_on,
            f"联合奖惩任务（名单 {task.entry.number}·{task.measure.name}）的反馈",
            reverse("measures:queue"),
            None,
            task.department_id,
        )


def _loop_deadline(on: dt.date, t: rules.Thresholds, calendar: CalendarSource) -> _Facts:
    """Open loops due within `loop_near_wd` working days (notice) or past due (alert).

    Only rows due on or before the horizon (the last day still near) are read; the level is then
    decided by `warning_rules.loop_level`.
    """
    near = t.loop_near_wd.value
    horizon = add_working_days(on, near + 1, source=calendar).date - dt.timedelta(days=1)
    facts = _Facts()
    for loop in _open_loops(horizon):
        level = rules.loop_level(loop.due_on, on, near, source=calendar)
        if level is None:
            continue
        state = _LOOP_TEXT[WarningLevel(level)]
        facts.add(
            Condition(
                key=rules.loop_key(loop.loop, loop.pk, loop.due_on, level),
                level=level,
                title=f"{loop.what}{state}",
                detail=f"{loop.what}的办理时限为 {loop.due_on.isoformat()}，{state}，请及时办理。",
                article=t.loop_near_wd.citation,
                link=loop.link,
                subject_id=loop.subject_id,
                organisation_id=loop.organisation_id,
            )
        )
    return facts


def _volume_drop(on: dt.date, t: rules.Thresholds) -> _Facts:
    """Providers whose last full month's `records.collected` (from the rollup's tallies) fell below
    `volume_drop_percent`% of the average of the `volume_baseline_months` full months before it.

    Only providers whose baseline average is at least 1 record a month are judged (a month with no
    tally counts as 0); the figures are as fresh as the last rollup, so a rollup that shows the
    month recovered clears the warning at the next sweep.
    """
    last, baseline = rules.volume_months(on, t.volume_baseline_months.value)
    figures: dict[int, dict[dt.date, int]] = defaultdict(dict)
    rows = (
        Tally.objects.order_by()
        .filter(metric=COLLECTED, month__in=[last, *baseline], organisation__isnull=False)
        .values("organisation_id", "month")
        .annotate(total=Sum("value"))
    )
    for row in rows:
        figures[row["organisation_id"]][row["month"]] = int(row["total"] or 0)
    names = dict(Organisation.objects.filter(pk__in=list(figures)).values_list("pk", "name"))
    article = f"{t.volume_drop_percent.citation}；{t.volume_baseline_months.citation}"
    link = reverse("collection:reporting_overview")
    facts = _Facts()
    for provider_id, by_month in sorted(figures.items()):
        before = [by_month.get(month, 0) for month in baseline]
        figure = by_month.get(last, 0)
        if not rules.volume_dropped(figure, before, t.volume_drop_percent.value):
            continue
        average = sum(before) / len(before)
        facts.add(
            Condition(
                key=rules.volume_key(provider_id, last),
                level=WarningLevel.NOTICE,
                title=f"{names.get(provider_id, provider_id)}{last.year}年{last.month}月报送量骤降",
                detail=(
                    f"{last:%Y-%m} 报送 {figure} 条，此前 {len(before)} 个完整月月均 {average:.1f} 条，"
                    f"低于月均量的 {t.volume_drop_percent.value}%。请核实是否漏报。"
                ),
                article=article,
                link=link,
                organisation_id=provider_id,
            )
        )
    return facts


# --- raising and clearing --------------------------------------------------------------------------


def _recipients(organisation_id: int | None, cache: dict[int | None, list[User]]) -> list[User]:
    if organisation_id not in cache:
        cache[organisation_id] = (
            role_holders(Role.OPERATOR) if organisation_id is None else organisation_staff(organisation_id)
        )
    return cache[organisation_id]


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """Pieces small enough for one `IN (...)` on either database."""
    for start in range(0, len(items), KEY_CHUNK):
        yield items[start : start + KEY_CHUNK]


def _apply(kind: str, facts: _Facts, now: dt.datetime) -> tuple[int, int]:
    """Clear this kind's open warnings whose condition is gone and raise the new ones, in one
    transaction; compare-and-swap on the state, so a concurrent sweep or handler never doubles."""
    raised = cleared = 0
    with transaction.atomic():
        open_keys = dict(EarlyWarning.objects.filter(kind=kind, state=WarningState.OPEN).values_list("key", "pk"))
        gone = [pk for key, pk in open_keys.items() if key not in facts.conditions]
        for chunk_pks in _chunks(gone):  # compare-and-swap: only those still open
            cleared += EarlyWarning.objects.filter(pk__in=chunk_pks, state=WarningState.OPEN).update(
                state=WarningState.CLEARED, closed_at=now
            )
        fresh = [key for key in facts.conditions if key not in open_keys]
        handled: set[str] = set()
        for chunk in _chunks(fresh):
            handled.update(
                EarlyWarning.objects.filter(kind=kind, state=WarningState.HANDLED, key__in=chunk).values_list(
                    "key", flat=True
                )
            )
        cache: dict[int | None, list[User]] = {}
        for key in fresh:
            if key in handled and key not in facts.reraise_handled:
                continue
            condition = facts.conditions[key]
            try:
                with transaction.atomic():
                    warning = EarlyWarning.objects.create(
                        kind=kind,
                        level=condition.level,
                        key=key,
                        subject_id=condition.subject_id,
                        organisation_id=condition.organisation_id,
                        title=condition.title[:200],
                        detail=condition.detail,
                        article=condition.article[:200],
                        link=condition.link[:300],
                        raised_at=now,
                    )
            except IntegrityError:
                continue  # a concurrent sweep raised it first; its notice went out with it
            notices_send(
                recipients=_recipients(condition.organisation_id, cache),
                topic=TOPIC,
                title=f"【{warning.get_level_display()}】{warning.title}",
                body=f"{warning.detail}\n预警口径：{warning.article}",
                link=warning.link or reverse("statistics:warnings"),
            )
            raised += 1
    return raised, cleared


def warnings_sweep(*, on: dt.date | None = None) -> SweepResult:
    """Raise and clear every kind of early warning for `on` (today in Asia/Shanghai by default).

    Idempotent: a second run on the same day raises and clears nothing. Each kind is atomic on its
    own; the run leaves one audit event with the counts per kind (actor: the system).
    """
    day = on or timezone.localdate()
    thresholds = rules.warning_thresholds(get_policy(on=day))
    calendar = database_calendar()
    now = timezone.now()
    gatherers: list[tuple[str, Callable[[], _Facts]]] = [
        (WarningKind.BAD_RISE, lambda: _bad_rise(day, thresholds)),
        (WarningKind.PROVIDER_SILENT, lambda: _provider_silent(day)),
        (WarningKind.LOOP_DEADLINE, lambda: _loop_deadline(day, thresholds, calendar)),
        (WarningKind.VOLUME_DROP, lambda: _volume_drop(day, thresholds)),
    ]
    counts: dict[str, dict[str, int]] = {}
    for kind, gather in gatherers:
        raised, cleared = _apply(kind, gather(), now)
        counts[str(kind)] = {"raised": raised, "cleared": cleared}
    total_raised = sum(c["raised"] for c in counts.values())
    total_cleared = sum(c["cleared"] for c in counts.values())
    with transaction.atomic():
        audit_record(
            actor=None,
            action="statistics.warnings_sweep",
            data={"on": day.isoformat(), "raised": total_raised, "cleared": total_cleared, "kinds": counts},
        )
    return SweepResult(raised=total_raised, cleared=total_cleared)


# --- handling --------------------------------------------------------------------------------------


def warning_may_handle(actor: Actor, warning: EarlyWarning) -> bool:
    """Operators handle any warning; a provider's or consumer's clerk those of their organisation."""
    if is_superuser(actor) or actor_may(actor, Role.OPERATOR):
        return True
    organisation_id = getattr(actor, "organisation_id", None)
    return (
        organisation_id is not None
        and warning.organisation_id == organisation_id
        and actor_may(actor, Role.PROVIDER, Role.CONSUMER)
    )


def warning_handle(*, actor: Actor, warning_id: int, note: str) -> EarlyWarning:
    """Close an open warning as handled, with the handler's note (required, at most 500 characters).

    Compare-and-swap on the open state: a warning the sweep cleared or someone else handled
    meanwhile is refused and nothing changes.
    """
    warning = EarlyWarning.objects.filter(pk=warning_id).first()
    if warning is None:
        raise NotFound(f"未找到编号为 {warning_id} 的预警")
    if not warning_may_handle(actor, warning):  # before the note: a refusal says nothing of the form
        raise PermissionDenied("您只能处理本单位的预警")
    cleaned = (note or "").strip()
    if not cleaned:
        raise ValidationFailed("请填写处理说明：处理说明不能为空", field="note")
    if len(cleaned) > NOTE_MAX:
        raise ValidationFailed(
            f"处理说明共 {len(cleaned)} 个字，超过了 {NOTE_MAX} 个字的上限，请精简后再提交", field="note"
        )
    if warning.state != WarningState.OPEN:
        raise ValidationFailed(
            f"预警 {warning_id} 当前状态为“{warning.get_state_display()}”，不能再处理", field="state"
        )
    user, extra = audit_identity(actor)
    handler = user if isinstance(user, User) and user.pk else None
    now = timezone.now()
    with transaction.atomic():
        changed = EarlyWarning.objects.filter(pk=warning.pk, state=WarningState.OPEN).update(
            state=WarningState.HANDLED, closed_at=now, handled_by=handler, handled_note=cleaned
        )
        if not changed:
            raise ValidationFailed(f"预警 {warning_id} 刚刚已被处理或消除，请刷新页面", field="state")
        warning.refresh_from_db()
        audit_record(
            actor=user,
            action="statistics.warning_handle",
            target=warning,
            data={"kind": warning.kind, "key": warning.key, "note_length": len(cleaned), **extra},
        )
    return warning
