"""Public lists (公示栏): the newest published records of each public catalogue item.

Thin: `records_published` decides (through the disclosure decision) what is listed; the view picks
the columns from the catalogue's field specs (identity fields are shown once, as the subject) and
masks a person's name where a pack publishes persons' records at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_item_get, catalog_items_published
from pubcredit.core.crypto import mask_person_name
from pubcredit.core.errors import NotFound
from pubcredit.disclosure import rules
from pubcredit.disclosure.selectors.public_lists import Published, records_published

PAGE_SIZE = 50
SUMMARY_FIELDS = 3  # content columns besides subject, reference and date
_SUMMARY_TYPES = ("string", "text", "enum", "decimal")


@dataclass(frozen=True)
class Row:
    subject_name: str
    subject_id: int | None  # linked to the subject page only for organisations
    source_ref: str
    decided_on: str
    values: list[str]
    annotations: tuple[str, ...]


def _summary_specs(item: CatalogItem) -> list[tuple[str, str]]:
    specs = [
        (spec.name, spec.label)
        for spec in item.field_specs()
        if spec.role is None and spec.sensitivity == "none" and spec.type in _SUMMARY_TYPES
    ]
    return specs[:SUMMARY_FIELDS]


def _row(entry: Published, columns: list[tuple[str, str]]) -> Row:
    record, subject = entry.record, entry.record.subject
    is_org = subject.kind == "org"
    data = record.data or {}
    return Row(
        subject_name=subject.name if is_org else mask_person_name(subject.name),
        subject_id=subject.pk if is_org else None,
        source_ref=record.source_ref,
        decided_on=record.decided_on.isoformat(),
        values=[str(data.get(name) or "") for name, _ in columns],
        annotations=entry.decision.annotations,
    )


@require_GET
def public_lists(request: HttpRequest) -> HttpResponse:
    items = [item for item in catalog_items_published() if item.openness == rules.OPEN_PUBLIC]
    return render(request, "disclosure/public_lists.html", {"items": items, "current": "public_lists"})


@require_GET
def public_list(request: HttpRequest, code: str) -> HttpResponse:
    try:
        item = catalog_item_get(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if item.openness != rules.OPEN_PUBLIC:
        raise Http404(f"目录项“{code}”不对社会公开")
    before = request.GET.get("before", "")
    before_id = int(before) if before.isdigit() else None
    page = records_published(item_code=item.code, limit=PAGE_SIZE, before_id=before_id)
    columns = _summary_specs(item)
    context: dict[str, Any] = {
        "item": item,
        "columns": [label for _, label in columns],
        "rows": [_row(entry, columns) for entry in page.entries],
        "next_before": page.entries[-1].record.pk if page.has_more and page.entries else None,
        "current": "public_lists",
    }
    return render(request, "disclosure/public_list.html", context)
