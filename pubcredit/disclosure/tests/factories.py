"""Catalogue items and records written directly, so a test states exactly the facts it needs.

Records are built here rather than through the ingest services: the decision reads stored
columns (status, periods, openness), and tests must be able to set any combination of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pubcredit.accounts.models import Organisation
from pubcredit.accounts.tests.factories import ProviderOrganisationFactory
from pubcredit.catalog.models import CatalogItem
from pubcredit.records.models import DisclosureBasis, Record, RecordVersion
from pubcredit.subjects.models import Subject


def catalog_item(*, openness: str = "public", info_class: str = "supervision", kind: str = "bad") -> CatalogItem:
    code = f"T{openness[:2].upper()}{info_class[:3].upper()}{kind[:2].upper()}"
    item, _ = CatalogItem.objects.get_or_create(
        code=code,
        version=1,
        defaults={
            "valid_from": dt.date(2000, 1, 1),
            "status": CatalogItem.Status.published,
            "name": f"测试事项{code}",
            "info_class": info_class,
            "kind": kind,
            "subject_kinds": ["org", "person"],
            "openness": openness,
            "period_rule": {"mode": "pack"},
            "fields": [
                {"name": "CF_XDR_MC", "label": "行政相对人名称", "type": "string"},
                {"name": "CF_NR", "label": "处罚内容", "type": "string"},
                {"name": "INCOME", "label": "收入", "type": "decimal", "sensitivity": "consent"},
            ],
        },
    )
    return item


def basis() -> DisclosureBasis:
    row, _ = DisclosureBasis.objects.get_or_create(digest="0" * 64, defaults={"content": {"summary": "测试"}})
    return row


def provider() -> Organisation:
    return ProviderOrganisationFactory.create()


def make_record(
    subject: Subject,
    *,
    openness: str = "public",
    info_class: str = "supervision",
    kind: str = "bad",
    tier: str | None = None,
    decided_on: dt.date = dt.date(2025, 1, 10),
    end_date: dt.date | None = None,
    status: str = "active",
    disclosure_ends_on: dt.date | None = None,
    retention_ends_on: dt.date | None = None,
    by: Organisation | None = None,
    data: dict[str, Any] | None = None,
) -> Record:
    item = catalog_item(openness=openness, info_class=info_class, kind=kind)
    record = Record.objects.create(
        subject=subject,
        subject_kind=subject.kind,
        item=item,
        item_code=item.code,
        provider=by or provider(),
        info_class=info_class,
        kind=kind,
        tier=tier if kind == "bad" else None,
        decided_on=decided_on,
        end_date=end_date,
        data=data if data is not None else {"CF_XDR_MC": subject.name, "CF_NR": "罚款人民币2万元"},
        status=status,
        disclosure_ends_on=disclosure_ends_on,
        retention_ends_on=retention_ends_on,
        basis=basis(),
        reported_on=decided_on,
    )
    RecordVersion.objects.create(
        record=record,
        version=1,
        status=status,
        data=record.data,
        decided_on=decided_on,
        end_date=end_date,
        tier=record.tier,
        disclosure_ends_on=disclosure_ends_on,
        changed_by_label="测试",
    )
    return record
