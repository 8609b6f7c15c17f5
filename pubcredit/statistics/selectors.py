"""Reads of the summary tables: every figure on the dashboard and in the assessment comes from here.

Only operators (the credit centre) and the authority see statistics (ARCHITECTURE.md, users and
roles); `statistics_visible_to` is the one check, so no page can show a figure to anyone else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Sum

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.selectors import user_has_role
from pubcredit.core.roles import Role
from pubcredit.statistics.metrics import BY_NAME
from pubcredit.statistics.models import RollupRun, Tally

#: Grouping keys a caller may ask for.
GROUP_KEYS = ("month", "organisation_id", "dimension", "metric")


@dataclass(frozen=True, slots=True)
class TallyFilter:
    """A period in whole months (first days), and optionally one organisation or one district."""

    month_from: dt.date
    month_to: dt.date
    organisation_id: int | None = None
    district: str = ""


def statistics_visible_to(user: User | AnonymousUser | None) -> bool:
    """Operators and the authority see statistics; nobody else does."""
    return bool(user is not None and (user_has_role(user, Role.OPERATOR) or user_has_role(user, Role.AUTHORITY)))


def tallies_matching(where: TallyFilter, metrics: Sequence[str]) -> QuerySet[Tally]:
    unknown = [name for name in metrics if name not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown metrics: {', '.join(unknown)}")
    rows = Tally.objects.filter(metric__in=list(metrics), month__gte=where.month_from, month__lte=where.month_to)
    if where.organisation_id is not None:
        rows = rows.filter(organisation_id=where.organisation_id)
    if where.district:
        rows = rows.filter(organisation__district=where.district)
    return rows


def tally_totals(where: TallyFilter, metrics: Sequence[str], by: Sequence[str]) -> list[dict[str, Any]]:
    """Sums of the metrics grouped by `by` (a subset of GROUP_KEYS), ordered by the same keys."""
    bad = [key for key in by if key not in GROUP_KEYS]
    if bad:
        raise ValueError(f"cannot group by: {', '.join(bad)}")
    keys = list(by)
    return list(tallies_matching(where, metrics).order_by(*keys).values(*keys).annotate(value=Sum("value")))


def last_rollup() -> RollupRun | None:
    return RollupRun.objects.order_by("-finished_at", "-id").first()


def tallied_months() -> tuple[dt.date, dt.date] | None:
    """The first and last month that have any tally (the widest period a filter can pick)."""
    first = Tally.objects.order_by("month").values_list("month", flat=True).first()
    last = Tally.objects.order_by("-month").values_list("month", flat=True).first()
    return (first, last) if first is not None and last is not None else None


def organisation_names(ids: Sequence[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    return {
        org.pk: (org.short_name or org.name)
        for org in Organisation.objects.filter(pk__in=wanted).only("id", "name", "short_name")
    }


def districts() -> list[str]:
    """Districts of the organisations that appear in any tally (for the filter's choices)."""
    return list(
        Organisation.objects.exclude(district="")
        .filter(pk__in=Tally.objects.values("organisation_id").distinct())
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def tallied_organisations() -> dict[int, str]:
    """Every organisation that has a tally (the dashboard's filter choices), by name."""
    return {
        org.pk: (org.short_name or org.name)
        for org in Organisation.objects.filter(pk__in=Tally.objects.values("organisation_id"))
        .only("id", "name", "short_name")
        .order_by("name", "id")
    }
