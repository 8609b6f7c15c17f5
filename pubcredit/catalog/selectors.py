"""Reads of the catalogue. The public catalogue page and the API build on these names."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from pubcredit.catalog.models import CatalogItem
from pubcredit.core.errors import NotFound

# A retired version was in force until its valid_to, so it still answers for past dates.
_IN_FORCE_STATUSES = (CatalogItem.Status.published, CatalogItem.Status.retired)


def catalog_items_published(*, on: dt.date | None = None) -> QuerySet[CatalogItem]:
    """The version of each item in force on `on` (today by default), ordered by code."""
    day = on or timezone.localdate()
    return CatalogItem.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        status__in=_IN_FORCE_STATUSES,
        valid_from__lte=day,
    ).order_by("code")


def catalog_item_get(code: str, *, on: dt.date | None = None) -> CatalogItem:
    """The version of item `code` in force on `on` (today by default)."""
    # No code holds a NUL, and PostgreSQL refuses one in a text parameter.
    item = catalog_items_published(on=on).filter(code=code).first() if "\x00" not in code else None
    if item is None:
        day = on or timezone.localdate()
        raise NotFound(f"目录项“{code}”在 {day.isoformat()} 不存在或未生效", field="code")
    return item


def catalog_item_versions(code: str) -> QuerySet[CatalogItem]:
    """Every version of item `code`, newest first (drafts included: the history is public)."""
    versions = CatalogItem.objects.filter(code=code.replace("\x00", "")).order_by("-version")
    if "\x00" in code or not versions.exists():
        raise NotFound(f"目录项“{code}”不存在", field="code")
    return versions


def catalog_item_latest(code: str) -> CatalogItem | None:
    """The highest version of `code`, whatever its dates: the base of the next revision."""
    if "\x00" in code:
        return None
    return CatalogItem.objects.filter(code=code).order_by("-version").first()


def catalog_items_by_code(*, on: dt.date | None = None) -> dict[str, CatalogItem]:
    """Items in force on `on`, keyed by code: one query for bulk loaders."""
    return {item.code: item for item in catalog_items_published(on=on)}
