"""A granted repair stays with the finding when the provider sends the same record again.

Credit repair ends the effects of one finding (one provider's 决定书文号 for one catalogue item).
A re-sent row for a record still held is that record (left alone, or its next version), so its
repair annotation keeps applying. But a provider may withdraw a repaired record and later send
the same source record again: that row becomes a new record, and without this step the finding
would be public again although it was repaired. Every way a record is created (the batch stream,
`records_bulk_create`, `record_create`) therefore copies the active repair annotation of a
withdrawn record with the same provider, item and source reference onto the new one.
"""

from __future__ import annotations

from collections.abc import Iterable

from pubcredit.core.audit import audit_record
from pubcredit.records.models import Annotation, AnnotationKind, RecordStatus

Key = tuple[str, str]  # (item code, source reference)


def withdrawn_repairs(provider_id: int, item_codes: Iterable[str]) -> dict[Key, Annotation]:
    """Active repair annotations on the provider's withdrawn records of these items, by reference."""
    codes = sorted(set(item_codes))
    if not codes:
        return {}
    rows = (
        Annotation.objects.filter(
            kind=AnnotationKind.REPAIR,
            active=True,
            record__provider_id=provider_id,
            record__item_code__in=codes,
            record__status=RecordStatus.WITHDRAWN,
        )
        .exclude(record__source_ref="")
        .select_related("record")
        .order_by("created_at", "pk")
    )
    return {(a.record.item_code, a.record.source_ref): a for a in rows}


def repairs_carry(found: dict[Key, Annotation], new: Iterable[tuple[int, str, str]], *, batch_ref: str) -> int:
    """Copy the repair onto each new record (id, item code, source reference) that has one in `found`."""
    if not found:
        return 0
    carried: list[Annotation] = []
    sources: dict[int, int] = {}
    for record_id, item_code, source_ref in new:
        repair = found.get((item_code, source_ref))
        if repair is None:
            continue
        carried.append(
            Annotation(
                record_id=record_id,
                kind=AnnotationKind.REPAIR,
                text=f"{repair.text}（沿用记录 {repair.record_id} 的信用修复）",
                article=repair.article,
                created_by_id=None,
                created_by_label=repair.created_by_label,
            )
        )
        sources[record_id] = repair.record_id
    if carried:
        Annotation.objects.bulk_create(carried)
        audit_record(
            actor=None,
            action="records.repair.carry",
            data={"batch_ref": batch_ref, "records": {str(new_id): old for new_id, old in sources.items()}},
        )
    return len(carried)
