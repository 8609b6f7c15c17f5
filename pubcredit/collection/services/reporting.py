"""Writes about the timeliness of reporting: duties, the daily sweep, and what a landed batch settles.

A duty says which catalogue item a provider reports and how often (按照目录的要求和约定, 西安
第十五条); the operator sets it. The daily sweep finds duties past their due date by index and
issues the notice the pack's `collection.late_provider` prescribes. Notices are unique per duty,
missed due date and stage, and the sweep creates them get-or-create, so running it twice on the
same day (or two sweeps at once) issues each notice once.

Lateness of single records is not stored here: `Record.reported_on` and `report_due_on` hold it
and the selectors compute it by query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may, audit_identity
from pubcredit.accounts.models import Organisation, ReportingFrequency
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.collection import rules
from pubcredit.collection.models import ReportingDuty, ReportingNotice
from pubcredit.collection.selectors.reporting import reporting_item_names
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.core.workdays import database_calendar
from pubcredit.policy import get_policy


def _audit(actor: Actor, action: str, target: Any, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=target, data={**data, **extra})


def _require_operator(actor: Actor, what: str) -> None:
    if not actor_may(actor, Role.OPERATOR):
        raise PermissionDenied(f"只有信用中心可以{what}（西安 第三十四条：由公共信用信息工作主管部门催报）")


def _require_provider(provider: Organisation) -> None:
    if not provider.is_provider:
        raise ValidationFailed(f"单位“{provider}”不是信息提供单位，不能为其设定报送义务", field="provider")
    if not provider.active:
        raise ValidationFailed(f"单位“{provider}”已停用，不能为其设定报送义务", field="provider")


def _require_frequency(frequency: str) -> None:
    if frequency not in ReportingFrequency.values:
        choices = "、".join(f"{value}（{label}）" for value, label in ReportingFrequency.choices)
        raise ValidationFailed(f"报送频率“{frequency}”无效，可选：{choices}", field="frequency")


# --- duties -----------------------------------------------------------------------------------


@transaction.atomic
def reporting_duty_set(
    *,
    actor: Actor,
    provider: Organisation,
    item_code: str,
    frequency: str,
    today: date | None = None,
) -> ReportingDuty:
    """Create or change a provider's duty to report an item; its next due date follows at once.

    A changed frequency counts from the last report (or from today when there was none), so a
    provider moved from monthly to weekly is not suddenly years overdue. `today` lets loaders fix
    the day (the demo city); pages and commands leave it to the local date.
    """
    _require_operator(actor, "设定报送义务")
    day = today or timezone.localdate()
    _require_provider(provider)
    _require_frequency(frequency)
    code = item_code.strip()
    if not catalog_items_published(on=day).filter(code=code).exists():
        raise ValidationFailed(f"目录项“{item_code}”在 {day.isoformat()} 不存在或未生效", field="item_code")
    duty = ReportingDuty.objects.select_for_update().filter(provider=provider, item_code=code).first()
    created = duty is None
    if duty is None:
        duty = ReportingDuty(provider=provider, item_code=code)
    due = rules.next_due_on(
        frequency=frequency, last_reported_on=duty.last_reported_on, start=day, source=database_calendar()
    )
    duty.frequency = frequency
    duty.active = True
    duty.next_due_on = due.date
    duty.next_due_provisional = due.provisional
    duty.save()
    _audit(
        actor,
        "collection.reporting_duty_set",
        duty,
        {
            "provider_id": provider.pk,
            "item_code": code,
            "frequency": frequency,
            "next_due_on": due.date.isoformat(),
            "created": created,
        },
    )
    return duty


@transaction.atomic
def reporting_duty_deactivate(*, actor: Actor, provider: Organisation, item_code: str) -> ReportingDuty:
    """End a duty (the item is no longer reported by this provider); its notices stay as history."""
    _require_operator(actor, "停止报送义务")
    duty = ReportingDuty.objects.select_for_update().filter(provider=provider, item_code=item_code).first()
    if duty is None:
        raise NotFound(f"单位“{provider}”没有目录项“{item_code}”的报送义务", field="item_code")
    if duty.active:
        duty.active = False
        duty.save(update_fields=["active"])
        _audit(
            actor,
            "collection.reporting_duty_deactivate",
            duty,
            {"provider_id": provider.pk, "item_code": item_code},
        )
    return duty


@transaction.atomic
def reporting_duty_mark_reported(*, provider: Organisation, item_code: str, on: date) -> ReportingDuty | None:
    """A batch of `item_code` from `provider` landed on `on`: the duty's next period starts, and
    its open notices are resolved (补报).

    No actor and no audit event of its own: it is a consequence of the batch, which the batch
    service audits in the same transaction. A provider without a duty for the item: nothing.
    """
    duty = ReportingDuty.objects.select_for_update().filter(provider=provider, item_code=item_code, active=True).first()
    if duty is None:
        return None
    last = max(on, duty.last_reported_on) if duty.last_reported_on else on
    due = rules.next_due_on(frequency=duty.frequency, last_reported_on=last, start=last, source=database_calendar())
    duty.last_reported_on = last
    duty.next_due_on = due.date
    duty.next_due_provisional = due.provisional
    duty.save(update_fields=["last_reported_on", "next_due_on", "next_due_provisional"])
    ReportingNotice.objects.filter(duty=duty, resolved_on__isnull=True).update(resolved_on=on)
    return duty


@transaction.atomic
def reporting_duties_recompute_for_year(*, year: int, today: date | None = None) -> int:
    """Recompute the provisional due dates reaching into `year` once that year's calendar is official.

    Only duties not yet overdue and with a last report to count from: an overdue duty may have
    notices citing its due date, and a duty never reported has no stored start (it keeps its
    date and the provisional flag, which the pages show). Audited once with the count when any moved.
    """
    day = today or timezone.localdate()
    source = database_calendar()
    changed = 0
    duties = ReportingDuty.objects.select_for_update().filter(
        active=True,
        next_due_provisional=True,
        next_due_on__gte=max(day, date(year, 1, 1)),
        last_reported_on__isnull=False,
    )
    for duty in duties:
        assert duty.last_reported_on is not None
        due = rules.next_due_on(
            frequency=duty.frequency, last_reported_on=duty.last_reported_on, start=duty.last_reported_on, source=source
        )
        if (due.date, due.provisional) != (duty.next_due_on, duty.next_due_provisional):
            duty.next_due_on, duty.next_due_provisional = due.date, due.provisional
            duty.save(update_fields=["next_due_on", "next_due_provisional"])
            changed += 1
    if changed:  # a write is audited; a publication that moves nothing leaves no event
        audit_record(
            actor=None, action="collection.reporting_duties_recompute", data={"year": year, "changed": changed}
        )
    return changed


def on_calendar_year_published(sender: Any, year: int, **kwargs: Any) -> None:
    """Receiver for `calendar_year_published` (to be connected in the collection app's `ready()`)."""
    reporting_duties_recompute_for_year(year=year)


# --- the daily sweep --------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """What one sweep found and did; `issued` counts the notices created by stage."""

    today: date
    policy: str
    late_provider: str
    overdue: int
    issued: dict[str, int] = field(default_factory=dict)
    already_issued: int = 0
    no_consequence: int = 0

    @property
    def issued_total(self) -> int:
        return sum(self.issued.values())


@transaction.atomic
def reporting_sweep(*, today: date | None = None) -> SweepResult:
    """Issue the notices due today for every overdue duty; audited once per run with the counts.

    Finds duties by the (`active`, `next_due_on`) index. For each, the first stage applies from
    the first day overdue and the escalation once the grace period since the first notice has
    run out (`rules.notice_stage`). Existing notices are never changed, so a second run on the
    same day creates nothing.
    """
    day = today or timezone.localdate()
    policy = get_policy(on=day)
    source = database_calendar()
    source.day(day)  # a day the calendar cannot count is refused even when nothing is overdue
    duties = list(
        ReportingDuty.objects.filter(active=True, next_due_on__lt=day)
        .select_related("provider")
        .order_by("next_due_on", "pk")
    )
    existing: dict[tuple[int, date], dict[str, date]] = {}
    for duty_id, due_on, stage, issued_on in ReportingNotice.objects.filter(
        duty_id__in=[d.pk for d in duties]
    ).values_list("duty_id", "due_on", "stage", "issued_on"):
        existing.setdefault((duty_id, due_on), {})[stage] = issued_on
    names = reporting_item_names(d.item_code for d in duties)
    issued: Counter[str] = Counter()
    already = no_consequence = 0
    for duty in duties:
        found = existing.get((duty.pk, duty.next_due_on), {})
        decision = rules.notice_stage(
            due_on=duty.next_due_on,
            today=day,
            policy=policy,
            first_notice_on=min(found.values()) if found else None,
            source=source,
        )
        if decision is None:
            no_consequence += 1
            continue
        if decision.stage in found:
            already += 1
            continue
        _, created = ReportingNotice.objects.get_or_create(
            duty=duty,
            due_on=duty.next_due_on,
            stage=decision.stage,
            defaults={
                "provider_id": duty.provider_id,
                "issued_on": day,
                "article": decision.article,
                "text": rules.notice_text(
                    decision=decision,
                    provider_name=duty.provider.name,
                    item_code=duty.item_code,
                    item_name=names.get(duty.item_code, ""),
                    due_on=duty.next_due_on,
                    due_provisional=duty.next_due_provisional,
                ),
            },
        )
        if created:
            issued[decision.stage] += 1
        else:
            already += 1
    result = SweepResult(
        today=day,
        policy=policy.code,
        late_provider=policy.text(rules.LATE_PROVIDER_KEY),
        overdue=len(duties),
        issued=dict(sorted(issued.items())),
        already_issued=already,
        no_consequence=no_consequence,
    )
    audit_record(
        actor=None,
        action="collection.reporting_sweep",
        data={
            "today": day.isoformat(),
            "policy": result.policy,
            "late_provider": result.late_provider,
            "overdue": result.overdue,
            "issued": result.issued,
            "already_issued": already,
            "no_consequence": no_consequence,
        },
    )
    return result
