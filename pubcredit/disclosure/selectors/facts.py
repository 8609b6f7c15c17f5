"""The facts builder: the one place that turns stored rows into `RecordFacts` for the decision.

Open objections and granted repairs are read from active `records.Annotation` rows of kind
objection / repair until the objections and repairs apps own them; replacing `holds_for` is
then the only change needed. One query for annotations and (only where the pack lets subjects
hide good information) one for hide requests, for any number of records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pubcredit.disclosure.models.outcomes import HideRequest, HideState
from pubcredit.disclosure.rules import RecordFacts
from pubcredit.records.models import Annotation, AnnotationKind, Record


@dataclass
class Holds:
    """What happened to one record since it was collected."""

    open_objection: bool = False
    repaired: bool = False
    hidden_by_subject: bool = False
    statements: list[str] = field(default_factory=list)


def holds_for(records: Sequence[Record], *, hiding_allowed: bool) -> dict[int, Holds]:
    ids = [record.pk for record in records]
    holds: dict[int, Holds] = {record_id: Holds() for record_id in ids}
    if not ids:
        return holds
    rows = Annotation.objects.filter(record_id__in=ids, active=True).values_list("record_id", "kind", "text")
    for record_id, kind, text in rows:
        hold = holds[record_id]
        if kind == AnnotationKind.OBJECTION:
            hold.open_objection = True
        elif kind == AnnotationKind.REPAIR:
            hold.repaired = True
        else:
            hold.statements.append(text)
    good_ids = [record.pk for record in records if record.kind == "good"]
    if hiding_allowed and good_ids:
        hidden = HideRequest.objects.filter(record_id__in=good_ids).exclude(state=HideState.CANCELLED)
        for record_id in hidden.values_list("record_id", flat=True):
            holds[record_id].hidden_by_subject = True
    return holds


def record_facts(record: Record, openness: str, hold: Holds) -> RecordFacts:
    return RecordFacts(
        record_id=record.pk,
        item_code=record.item_code,
        openness=openness,
        info_class=record.info_class,
        kind=record.kind,
        tier=record.tier,
        decided_on=record.decided_on,
        end_date=record.end_date,
        status=record.status,
        disclosure_ends_on=record.disclosure_ends_on,
        retention_ends_on=record.retention_ends_on,
        subject_kind=record.subject_kind,
        subject_id=record.subject_id,
        provider_id=record.provider_id,
        version=record.version,
        open_objection=hold.open_objection,
        repaired=hold.repaired,
        hidden_by_subject=hold.hidden_by_subject,
        statements=tuple(hold.statements),
    )


def facts_for(records: Iterable[Record], *, hiding_allowed: bool) -> list[RecordFacts]:
    """Facts for records fetched with their item (`select_related("item")`)."""
    rows = list(records)
    holds = holds_for(rows, hiding_allowed=hiding_allowed)
    return [record_facts(record, record.item.openness, holds[record.pk]) for record in rows]
