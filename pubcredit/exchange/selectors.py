"""Reads of the exchange: partners in force, a feed page, the shared-resource catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pubcredit.catalog.fields import specs_from_json
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.exchange.models import ChangeEvent, ExchangePartner, ItemSharing, PartnerDirection, PartnerState

PAGE_MAX = 1000
PAGE_DEFAULT = 500


def partners_in_force(*, organisation_id: int, direction: str, on: dt.date | None = None) -> QuerySet[ExchangePartner]:
    day = on or timezone.localdate()
    return ExchangePartner.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        organisation_id=organisation_id,
        direction=direction,
        state=PartnerState.ACTIVE,
        valid_from__lte=day,
    ).order_by("code")


def outbound_scope(organisation_id: int, *, on: dt.date | None = None) -> tuple[list[str], list[str]]:
    """The agreement codes in force for a partner organisation and the union of their item codes."""
    partners = list(partners_in_force(organisation_id=organisation_id, direction=PartnerDirection.OUTBOUND, on=on))
    items = sorted({str(code) for partner in partners for code in partner.item_codes})
    return [partner.code for partner in partners], items


@dataclass(frozen=True)
class FeedPage:
    after: int
    next: int
    has_more: bool
    events: list[dict[str, Any]]


def event_out(event: ChangeEvent) -> dict[str, Any]:
    return {
        "cursor": event.pk,
        "kind": event.kind,
        "subject_kind": event.subject_kind,
        "subject_key": event.subject_key,
        "item_code": event.item_code,
        "source": {"table": event.source_table, "id": event.source_id, "version": event.source_version},
        "collected_at": event.created_at.isoformat(),
        "payload": event.payload,
    }


def feed_page(*, item_codes: list[str], after: int, limit: int, reader_id: int | None = None) -> FeedPage:
    """Events after `after` of the given items only, in cursor order; never the reader's own
    records back (a record received from a platform is written in that platform's name)."""
    events = ChangeEvent.objects.filter(pk__gt=after, item_code__in=item_codes)
    if reader_id is not None:
        events = events.exclude(provider_ref=reader_id)
    rows = list(events.order_by("pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return FeedPage(
        after=after,
        next=rows[-1].pk if rows else after,
        has_more=has_more,
        events=[event_out(row) for row in rows],
    )


def shared_catalogue(*, on: dt.date | None = None) -> list[dict[str, Any]]:
    """What this platform offers to other platforms: each published item with a sharing setting
    other than 不予共享, its fields, update frequency and sharing scope (西安、海南 共享目录)."""
    settings_by_code = {s.item_code: s for s in ItemSharing.objects.exclude(scope=ItemSharing.Scope.NONE)}
    out = []
    for item in catalog_items_published(on=on):
        sharing = settings_by_code.get(item.code)
        if sharing is None:
            continue
        out.append(
            {
                "code": item.code,
                "version": item.version,
                "name": item.name,
                "info_class": item.info_class,
                "kind": item.kind,
                "openness": item.openness,
                "subject_kinds": list(item.subject_kinds),
                "fields": [{"name": f.name, "label": f.label, "type": f.type} for f in specs_from_json(item.fields)],
                "scope": sharing.scope,
                "scope_label": sharing.get_scope_display(),
                "frequency": sharing.frequency,
                "frequency_label": sharing.get_frequency_display(),
                "conditions": sharing.conditions,
                "catalogue_frequency": item.update_frequency,
                "legal_basis": item.legal_basis,
            }
        )
    return out
