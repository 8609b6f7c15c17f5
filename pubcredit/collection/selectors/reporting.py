"""Reads about the timeliness of reporting: on-time rates, overdue duties, notices, the criticism list.

Lateness of a record is computed by query from `Record.reported_on` and `report_due_on` (the
same test as `rules.record_is_late`: late when received after the due date), never stored twice.
Operators and authorities see every provider; a provider's staff see their own department only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from pubcredit.accounts.actors import Actor, actor_may, is_superuser
from pubcredit.accounts.models import Organisation
from pubcredit.catalog.models import CatalogItem
from pubcredit.collection import rules
from pubcredit.collection.models import NoticeStage, ReportingDuty, ReportingNotice
from pubcredit.core.roles import Role
from pubcredit.records.models import Record
from pubcredit.records.selectors import records_visible_to

# Who oversees every provider's reporting (西安 第三十四条: the competent department reminds and criticises).
_OVERSIGHT = (Role.OPERATOR, Role.AUTHORITY)

#: The query form of `rules.record_is_late`; a record without a deadline is neither on time nor late.
LATE = Q(report_due_on__isnull=False, reported_on__gt=F("report_due_on"))
ON_TIME = Q(report_due_on__isnull=False, reported_on__lte=F("report_due_on"))


def reporting_oversees(actor: Actor) -> bool:
    return is_superuser(actor) or actor_may(actor, *_OVERSIGHT)


def reporting_own_provider_id(actor: Actor) -> int | None:
    """The department whose reporting a provider's staff (or system) may see, if any."""
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is not None and actor_may(actor, Role.PROVIDER, scope="collect"):
        return int(organisation_id)
    return None


def reporting_notices_visible_to(user: Actor) -> QuerySet[ReportingNotice]:
    """Operators and authorities see every notice; a provider's staff the notices sent to it."""
    notices = ReportingNotice.objects.select_related("provider", "duty")
    if reporting_oversees(user):
        return notices.all()
    provider_id = reporting_own_provider_id(user)
    if provider_id is not None:
        return notices.filter(provider_id=provider_id)
    return notices.none()


def reporting_duties_visible_to(user: Actor) -> QuerySet[ReportingDuty]:
    duties = ReportingDuty.objects.select_related("provider")
    if reporting_oversees(user):
        return duties.all()
    provider_id = reporting_own_provider_id(user)
    if provider_id is not None:
        return duties.filter(provider_id=provider_id)
    return duties.none()


def reporting_item_names(codes: Iterable[str]) -> dict[str, str]:
    """The latest version's name of each item code (a revised or retired item keeps its name)."""
    names: dict[str, str] = {}
    rows = CatalogItem.objects.filter(code__in=set(codes)).order_by("code", "-version").values_list("code", "name")
    for code, name in rows:
        names.setdefault(code, name)
    return names


# --- on-time rates ----------------------------------------------------------------------------


@dataclass
class ItemTimeliness:
    """One provider's records of one item received in the range; `provisional` counts records whose
    deadline used the provisional calendar (their verdict may change when the year is published)."""

    item_code: str
    item_name: str = ""
    received: int = 0
    on_time: int = 0
    late: int = 0
    provisional: int = 0

    @property
    def without_deadline(self) -> int:
        return self.received - self.on_time - self.late

    @property
    def rate(self) -> float | None:
        return rules.on_time_rate(on_time=self.on_time, late=self.late)


@dataclass
class ProviderTimeliness:
    provider_id: int
    provider_name: str
    received: int = 0
    on_time: int = 0
    late: int = 0
    provisional: int = 0
    by_item: list[ItemTimeliness] = field(default_factory=list)

    @property
    def without_deadline(self) -> int:
        return self.received - self.on_time - self.late

    @property
    def rate(self) -> float | None:
        return rules.on_time_rate(on_time=self.on_time, late=self.late)


def reporting_timeliness(
    user: Actor,
    *,
    start: date,
    end: date,
    provider_ids: Iterable[int] | None = None,
) -> list[ProviderTimeliness]:
    """Per provider (and per item) the records received from `start` to `end` inclusive: how many,
    on time, late, and the on-time rate. Providers with an active duty but no record appear with
    zeros, so a department that sent nothing is not missing from the table.

    One grouped query over the records the user may see; records are counted whatever their
    status now (a later correction or withdrawal does not change when the record came in).
    """
    records = records_visible_to(user).filter(reported_on__gte=start, reported_on__lte=end)
    duties = reporting_duties_visible_to(user).filter(active=True)
    if provider_ids is not None:
        wanted = list(provider_ids)
        records = records.filter(provider_id__in=wanted)
        duties = duties.filter(provider_id__in=wanted)
    rows = (
        records.order_by()
        .values("provider_id", "item_code")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=ON_TIME),
            late=Count("pk", filter=LATE),
            provisional=Count("pk", filter=Q(report_due_on__isnull=False, report_due_provisional=True)),
        )
    )
    by_provider: dict[int, dict[str, ItemTimeliness]] = {}
    for row in rows:
        by_provider.setdefault(row["provider_id"], {})[row["item_code"]] = ItemTimeliness(
            item_code=row["item_code"],
            received=row["received"],
            on_time=row["on_time"],
            late=row["late"],
            provisional=row["provisional"],
        )
    for provider_id, item_code in duties.values_list("provider_id", "item_code"):
        by_provider.setdefault(provider_id, {}).setdefault(item_code, ItemTimeliness(item_code=item_code))
    names = dict(Organisation.objects.filter(pk__in=by_provider).values_list("pk", "name"))
    item_names = reporting_item_names(code for items in by_provider.values() for code in items)
    result: list[ProviderTimeliness] = []
    for provider_id, items in by_provider.items():
        summary = ProviderTimeliness(provider_id=provider_id, provider_name=names.get(provider_id, str(provider_id)))
        for code in sorted(items):
            item = items[code]
            item.item_name = item_names.get(code, "")
            summary.by_item.append(item)
            summary.received += item.received
            summary.on_time += item.on_time
            summary.late += item.late
            summary.provisional += item.provisional
        result.append(summary)
    # Worst first: the operator's page is read to see who needs a reminder.
    result.sort(key=lambda p: (p.rate if p.rate is not None else 2.0, -p.late, p.provider_name))
    return result


def reporting_late_records(user: Actor, *, start: date, end: date) -> QuerySet[Record]:
    """Records the user may see that came in late between `start` and `end`, latest first."""
    return (
        records_visible_to(user)
        .filter(LATE, reported_on__gte=start, reported_on__lte=end)
        .select_related("provider")
        .order_by("-reported_on", "-pk")
    )


# --- duties and notices -----------------------------------------------------------------------


def reporting_duties_overdue(user: Actor, *, today: date) -> QuerySet[ReportingDuty]:
    """Active duties past their due date on `today` (the due date itself is still in time)."""
    return reporting_duties_visible_to(user).filter(active=True, next_due_on__lt=today).order_by("next_due_on", "pk")


def reporting_notices_open(user: Actor) -> QuerySet[ReportingNotice]:
    """Notices not yet settled by a report, newest first."""
    return reporting_notices_visible_to(user).filter(resolved_on__isnull=True).order_by("-issued_on", "-pk")


def reporting_criticism_list(user: Actor) -> QuerySet[ReportingNotice]:
    """The public criticism list (通报批评名单): criticism notices whose duty is still unreported."""
    return reporting_notices_open(user).filter(stage=NoticeStage.CRITICISM)


def reporting_notices_of_provider(user: Actor, provider_id: int) -> QuerySet[ReportingNotice]:
    """Every notice sent to one provider, as far as the user may see them, newest first."""
    return reporting_notices_visible_to(user).filter(provider_id=provider_id).order_by("-issued_on", "-pk")
