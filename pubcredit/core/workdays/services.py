"""Writes to the operator calendar: import a year's schedule, publish it, record admin edits.

Every write is audited; publishing (or changing an already official year) announces the year
with `calendar_year_published` once the transaction has committed, so that domains recompute the
deadlines they stored as provisional.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from pubcredit.core.audit import Actor, actor_identity, audit_record
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import CalendarDay, CalendarYear
from pubcredit.core.workdays.signals import calendar_year_published
from pubcredit.core.workdays.types import DayEntry

PERMISSION = "core.change_calendaryear"


def calendar_year_import(
    *,
    actor: Actor,
    year: int,
    entries: Sequence[DayEntry],
    source_note: str = "",
    publish: bool = True,
) -> CalendarYear:
    """Replace the operator entries of `year` with `entries` (the file is the year's whole list)."""
    _check_permission(actor, year)
    for entry in entries:
        if entry.date.year != year:
            raise ValidationFailed(f"日期 {entry.date.isoformat()} 不属于 {year} 年度。", field="date")
    with transaction.atomic():
        calendar_year, created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        before = {day.date: (day.is_working_day, day.name) for day in calendar_year.days.all()}
        after = {entry.date: (entry.working, entry.name) for entry in entries}
        calendar_year.days.all().delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=e.date, is_working_day=e.working, name=e.name, note=e.note)
            for e in entries
        )
        actor_id, actor_label = actor_identity(actor) if actor is not None else (None, "command line")
        calendar_year.entered_by_id = actor_id
        calendar_year.entered_by_label = actor_label
        calendar_year.entered_at = timezone.now()
        if source_note:
            calendar_year.source_note = source_note
        calendar_year.save()
        changed = sorted(d.isoformat() for d in before.keys() | after.keys() if before.get(d) != after.get(d))
        audit_record(
            actor=actor,
            action="calendar.import",
            target=calendar_year,
            data={"year": year, "created": created, "days": len(entries), "changed_dates": changed},
        )
        if publish and not calendar_year.is_official:
            _publish(actor, calendar_year)
        elif calendar_year.is_official and changed:
            _announce(year)
    return calendar_year


def calendar_year_publish(*, actor: Actor, year: int) -> CalendarYear:
    """Mark `year` official: from then on its deadlines are no longer provisional."""
    _check_permission(actor, year)
    with transaction.atomic():
        try:
            calendar_year = CalendarYear.objects.select_for_update().get(year=year)
        except CalendarYear.DoesNotExist:
            raise ValidationFailed(f"{year} 年度尚未录入节假日安排，无法发布。", field="year") from None
        if not calendar_year.is_official:
            _publish(actor, calendar_year)
    return calendar_year


def calendar_year_record_admin_edit(
    *,
    actor: Actor,
    calendar_year: CalendarYear,
    status_before: str | None,
    changed_dates: Sequence[str],
    changed_fields: Sequence[str],
) -> None:
    """Audit a change made in the admin (which saved the rows itself) and announce it when it matters."""
    _check_permission(actor, calendar_year.year)
    data: dict[str, Any] = {
        "year": calendar_year.year,
        "status": calendar_year.status,
        "changed_fields": sorted(changed_fields),
        "changed_dates": sorted(changed_dates),
    }
    audit_record(actor=actor, action="calendar.edit", target=calendar_year, data=data)
    if calendar_year.is_official and status_before != CalendarYear.Status.OFFICIAL:
        calendar_year.published_at = timezone.now()
        calendar_year.save(update_fields=["published_at"])
        audit_record(actor=actor, action="calendar.publish", target=calendar_year, data={"year": calendar_year.year})
        _announce(calendar_year.year)
    elif calendar_year.is_official and changed_dates:
        _announce(calendar_year.year)


def _publish(actor: Actor, calendar_year: CalendarYear) -> None:
    calendar_year.status = CalendarYear.Status.OFFICIAL
    calendar_year.published_at = timezone.now()
    calendar_year.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="calendar.publish",
        target=calendar_year,
        data={"year": calendar_year.year, "days": calendar_year.days.count()},
    )
    _announce(calendar_year.year)


def _announce(year: int) -> None:
    transaction.on_commit(lambda: calendar_year_published.send(sender=CalendarYear, year=year))


def _check_permission(actor: Actor, year: int) -> None:
    # None is the command line: whoever can run it already controls the server.
    has_perm = getattr(actor, "has_perm", None)
    if actor is not None and not (callable(has_perm) and has_perm(PERMISSION)):
        raise PermissionDenied(f"您没有维护工作日历的权限，不能修改 {year} 年度的节假日安排。")
