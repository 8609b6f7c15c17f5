"""Public, read-only catalogue API (西安 第九条: 目录向社会公开发布)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.rules import INFO_CLASSES, KINDS
from pubcredit.catalog.schemas import CatalogItemOut, CatalogItemSummaryOut, CatalogVersionOut
from pubcredit.catalog.selectors import catalog_item_get, catalog_item_versions, catalog_items_published
from pubcredit.core.errors import ValidationFailed

router = Router(tags=["目录"])


class CatalogFilter(Schema):
    info_class: str | None = None
    kind: str | None = None
    subject_kind: str | None = None
    on: dt.date | None = None


def _summary(item: CatalogItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "version": item.version,
        "name": item.name,
        "info_class": item.info_class,
        "info_class_label": item.get_info_class_display(),
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "subject_kinds": list(item.subject_kinds),
        "openness": item.openness,
        "openness_label": item.get_openness_display(),
        "dual_publicity": item.dual_publicity,
        "valid_from": item.valid_from,
        "valid_to": item.valid_to,
        "legal_basis": item.legal_basis,
    }


@router.get("", response=list[CatalogItemSummaryOut], summary="公共信用信息目录")
def catalog_list(request: HttpRequest, filters: Query[CatalogFilter]) -> list[dict[str, Any]]:
    if filters.info_class is not None and filters.info_class not in INFO_CLASSES:
        raise ValidationFailed(
            f"信息类别“{filters.info_class}”无效，可选：{'、'.join(INFO_CLASSES)}", field="info_class"
        )
    if filters.kind is not None and filters.kind not in KINDS:
        raise ValidationFailed(f"信息性质“{filters.kind}”无效，可选：{'、'.join(KINDS)}", field="kind")
    items = catalog_items_published(on=filters.on)
    if filters.info_class:
        items = items.filter(info_class=filters.info_class)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    rows = [_summary(item) for item in items]
    if filters.subject_kind:
        rows = [row for row in rows if filters.subject_kind in row["subject_kinds"]]
    return rows


@router.get("/{code}", response=CatalogItemOut, summary="目录项（现行版本）")
def catalog_detail(request: HttpRequest, code: str, on: dt.date | None = None) -> dict[str, Any]:
    item = catalog_item_get(code, on=on)
    return {
        **_summary(item),
        "status": item.status,
        "description": item.description,
        "period_rule": item.period_rule,
        "reporting_wd": item.reporting_wd,
        "update_frequency": item.update_frequency,
        "fields": item.fields,
    }


@router.get("/{code}/versions", response=list[CatalogVersionOut], summary="目录项的历次版本")
def catalog_versions(request: HttpRequest, code: str) -> list[CatalogItem]:
    return list(catalog_item_versions(code))
