"""Reads of joint rewards and sanctions: the facts about a subject that the rules decide on, the
standing of many subjects at once (batch screening), the departments' task queues, the loops the
initiating department and the authority watch, and credit checks.

Departments see their own tasks and checks; the initiating department sees the tasks its entries
gave; the credit centre and oversight roles see all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import actor_may, is_superuser
from pubcredit.accounts.models import ApiClient, User
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.lists.models import ListEntry
from pubcredit.lists.selectors import entries_in_force
from pubcredit.measures.models import BusinessType, CreditCheck, Measure, MeasureTask, TaskState
from pubcredit.measures.rules import CreditFacts, EntryFact, MeasureFact, MeasureHit, measures_applying
from pubcredit.objections.selectors import records_sanctions_suspended_of_subjects
from pubcredit.policy import get_policy
from pubcredit.records.models import Record, RecordStatus
from pubcredit.subjects.models import Subject

_OVERSIGHT = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)


def user_oversees_measures(user: Any) -> bool:
    return is_superuser(user) or (isinstance(user, User) and user.is_active and actor_may(user, *_OVERSIGHT))


def user_department(actor: Any, *, scope: str = "check") -> int | None:
    """The department a clerk (provider or consumer) or its system (with `scope`) acts for."""
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None or (isinstance(actor, User) and not actor.is_active):
        return None
    if isinstance(actor, User | ApiClient) and actor_may(actor, Role.PROVIDER, Role.CONSUMER, scope=scope):
        return int(organisation_id)
    return None


def user_implements_for(actor: Any) -> int | None:
    """The department whose measure tasks this clerk, or its system with either the `collect` or
    the `check` scope, sees and answers."""
    return user_department(actor, scope="collect") or user_department(actor, scope="check")


# --- facts and standings ------------------------------------------------------------------------


def measure_facts(*, active_only: bool = True) -> list[MeasureFact]:
    measures = Measure.objects.select_related("department").prefetch_related("list_types")
    if active_only:
        measures = measures.filter(active=True)
    return [
        MeasureFact(
            measure_id=m.pk,
            code=m.code,
            name=m.name,
            nature=m.nature,
            force=m.force,
            condition=m.condition,
            list_type_ids=frozenset(t.pk for t in m.list_types.all()),
            business_types=tuple(m.business_types or ()),
            department=m.department.name if m.department else "各有关部门",
            legal_basis=m.legal_basis,
        )
        for m in measures
    ]


def _bad_records(subject_ids: Sequence[int]) -> QuerySet[Record]:
    return Record.objects.filter(subject_id__in=list(subject_ids), kind="bad")


def credit_facts_many(subject_ids: Sequence[int], *, on: dt.date) -> dict[int, CreditFacts]:
    """The facts of many subjects in a fixed number of queries per 5,000 subjects."""
    result: dict[int, CreditFacts] = {}
    ids = sorted(set(subject_ids))
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        entries = entries_in_force(chunk, on=on)
        basis = _entry_basis([e.pk for found in entries.values() for e in found])
        in_period = list(
            _bad_records(chunk)
            .filter(status=RecordStatus.ACTIVE)
            .filter(Q(disclosure_ends_on__isnull=True) | Q(disclosure_ends_on__gte=on))
            .values_list("subject_id", "pk")
        )
        suspended = records_sanctions_suspended_of_subjects(chunk)
        bad_count: dict[int, int] = defaultdict(int)
        bad_suspended: dict[int, int] = defaultdict(int)
        for subject_id, pk in in_period:
            bad_count[subject_id] += 1
            bad_suspended[subject_id] += pk in suspended
        last_bad = dict(
            _bad_records(chunk)
            .filter(status__in=[RecordStatus.ACTIVE, RecordStatus.ARCHIVED, RecordStatus.PURGED])
            .values_list("subject_id")
            .annotate(last=Max("decided_on"))
            .values_list("subject_id", "last")
        )
        first_record = dict(
            Record.objects.filter(subject_id__in=chunk)
            .values_list("subject_id")
            .annotate(first=Min("decided_on"))
            .values_list("subject_id", "first")
        )
        for subject_id, created in Subject.objects.filter(pk__in=chunk).values_list("pk", "created_at"):
            known = timezone.localtime(created).date()
            if subject_id in first_record:
                known = min(known, first_record[subject_id])
            result[subject_id] = CreditFacts(
                on=on,
                entries=tuple(
                    EntryFact(
                        entry_id=e.pk,
                        number=e.number or str(e.pk),
                        kind=e.kind,
                        list_type_id=e.list_type_id,
                        list_name=e.list_type.name,
                        department=e.department.name,
                        ends_on=e.ends_on,
                        suspended=bool(basis.get(e.pk)) and bool(basis[e.pk] & suspended),
                    )
                    for e in entries.get(subject_id, [])
                ),
                bad_in_period=bad_count.get(subject_id, 0),
                bad_in_period_suspended=bad_suspended.get(subject_id, 0),
                last_bad_on=last_bad.get(subject_id),
                known_since=known,
            )
    return result


def _entry_basis(entry_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    through = ListEntry.basis_records.through
    for entry_id, record_id in through.objects.filter(listentry_id__in=entry_ids).values_list(
        "listentry_id", "record_id"
    ):
        found[entry_id].add(record_id)
    return found


def credit_facts(subject_id: int, *, on: dt.date) -> CreditFacts:
    return credit_facts_many([subject_id], on=on)[subject_id]


@dataclass(frozen=True)
class Standing:
    """A subject's list status and applicable measures as Chinese labels (batch screening)."""

    lists: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()


def _entry_label(entry: EntryFact) -> str:
    until = f"至{entry.ends_on.isoformat()}" if entry.ends_on else "长期"
    return f"{entry.list_name}（{until}）"


def measure_label(hit: MeasureHit) -> str:
    force = "强制" if hit.measure.force == "mandatory" else "推荐"
    suffix = "（核实期间暂不执行）" if hit.suspended else ""
    return f"【{force}】{hit.measure.name}{suffix}"


def standings_for_subjects(
    subject_ids: Sequence[int], *, on: dt.date, business_type: str | None = None
) -> dict[int, Standing]:
    """Every subject's lists in force and the measures that apply, mandatory first."""
    if business_type is not None and business_type not in BusinessType.values:
        business_type = None
    policy = get_policy(on=on)
    measures = measure_facts()
    facts = credit_facts_many(subject_ids, on=on)
    return {
        subject_id: Standing(
            lists=tuple(_entry_label(e) for e in fact.entries),
            measures=tuple(
                measure_label(hit) for hit in measures_applying(fact, measures, policy, business_type=business_type)
            ),
        )
        for subject_id, fact in facts.items()
    }


# --- tasks ----------------------------------------------------------------------------------------


def tasks_visible_to(user: Any) -> QuerySet[MeasureTask]:
    """A department sees the tasks it implements and those its own entries gave (the initiator)."""
    tasks = MeasureTask.objects.select_related("entry", "entry__subject", "entry__list_type", "measure", "department")
    if user_oversees_measures(user):
        return tasks.all()
    department_id = user_implements_for(user)
    if department_id is None:
        return tasks.none()
    return tasks.filter(Q(department_id=department_id) | Q(entry__department_id=department_id))


def task_get(user: Any, pk: int) -> MeasureTask:
    try:
        return tasks_visible_to(user).get(pk=pk)
    except MeasureTask.DoesNotExist:
        raise NotFound(f"措施任务 {pk} 不存在或无权查看") from None


def task_queue(user: Any, *, include_done: bool = False) -> QuerySet[MeasureTask]:
    department_id = user_implements_for(user)
    if department_id is None:
        return MeasureTask.objects.none()
    tasks = tasks_visible_to(user).filter(department_id=department_id)
    return tasks if include_done else tasks.filter(state=TaskState.OPEN)


@dataclass(frozen=True)
class Loop:
    """One entry's feedback loop: tasks given, answered, open, overdue."""

    entry: ListEntry
    total: int
    answered: int
    open: int
    overdue: int

    @property
    def closed(self) -> bool:
        return self.open == 0


def loops_visible_to(user: Any, *, open_only: bool = False, limit: int = 200) -> list[Loop]:
    """Per entry, the state of its tasks: the initiating department's and the authority's view."""
    tasks = tasks_visible_to(user)
    if not user_oversees_measures(user):
        department_id = user_implements_for(user)
        tasks = tasks.filter(entry__department_id=department_id)
    rows = (
        tasks.exclude(state=TaskState.CANCELLED)
        .values("entry_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(state=TaskState.OPEN)),
            overdue=Count("pk", filter=Q(state=TaskState.OPEN, overdue=True)),
        )
        .order_by("-overdue", "-open", "-entry_id")
    )
    if open_only:
        rows = rows.filter(open__gt=0)
    rows_list = list(rows[:limit])
    entries = ListEntry.objects.select_related("subject", "list_type", "department").in_bulk(
        [r["entry_id"] for r in rows_list]
    )
    return [
        Loop(
            entry=entries[r["entry_id"]],
            total=r["total"],
            answered=r["total"] - r["open"],
            open=r["open"],
            overdue=r["overdue"],
        )
        for r in rows_list
    ]


# --- checks ---------------------------------------------------------------------------------------


def checks_visible_to(user: Any) -> QuerySet[CreditCheck]:
    checks = CreditCheck.objects.select_related("subject", "organisation")
    if user_oversees_measures(user):
        return checks.all()
    department_id = user_department(user)
    if department_id is None:
        return checks.none()
    return checks.filter(organisation_id=department_id)


def check_get(user: Any, number: str) -> CreditCheck:
    try:
        return checks_visible_to(user).get(number=number)
    except CreditCheck.DoesNotExist:
        raise NotFound(f"核查编号“{number[:30]}”不存在或无权查看", field="number") from None
