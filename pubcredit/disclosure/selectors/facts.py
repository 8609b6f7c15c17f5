"""The facts builder: the one place that turns stored rows into `RecordFacts` for the decision.

Open objections and granted repairs are read from active `records.Annotation` rows of kind
objection / repair until the objections and repairs apps own them; replacing `with_holds` and
`holds_for` is then the only change needed. Either the records come from a queryset passed
through `with_holds` (the holds arrive as EXISTS columns of the same query: one query in all), or
`facts_for` reads them for any number of records with one query for annotations and, where the
pack lets subjects hide good information, one for hide requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from pubcredit.disclosure.models.outcomes import HideRequest, HideState
from pubcredit.disclosure.rules import RecordFacts
from pubcredit.records.models import Annotation, AnnotationKind, Record

_HOLD_KINDS = (AnnotationKind.OBJECTION, AnnotationKind.REPAIR, AnnotationKind.OVERDUE)


@dataclass
class Holds:
    """What happened to one record since it was collected."""

    open_objection: bool = False
    objection_overdue: bool = False
    repaired: bool = False
    hidden_by_subject: bool = False
    statements: list[str] = field(default_factory=list)


def with_holds(records: QuerySet[Record], *, hiding_allowed: bool) -> QuerySet[Record]:
    """The records with their holds as EXISTS columns, so that `facts_for` needs no other query
    (unless a record carries statements to show, which are then read in one query)."""
    active = Annotation.objects.filter(record=OuterRef("pk"), active=True)
    annotated = records.annotate(
        hold_objection=Exists(active.filter(kind=AnnotationKind.OBJECTION)),
        hold_overdue=Exists(active.filter(kind=AnnotationKind.OVERDUE)),
        hold_repaired=Exists(active.filter(kind=AnnotationKind.REPAIR)),
        hold_statements=Exists(active.exclude(kind__in=_HOLD_KINDS)),
    )
    if hiding_allowed:
        live = HideRequest.objects.filter(record=OuterRef("pk")).exclude(state=HideState.CANCELLED)
        annotated = annotated.annotate(hold_hidden=Exists(live))
    return annotated


def _statements(ids: list[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    if ids:
        rows = (
            Annotation.objects.filter(record_id__in=ids, active=True)
            .exclude(kind__in=_HOLD_KINDS)
            .order_by("record_id", "created_at")
            .values_list("record_id", "text")
        )
        for record_id, text in rows:
            texts.setdefault(record_id, []).append(text)
    return texts


def _annotated_holds(records: Sequence[Record]) -> dict[int, Holds]:
    texts = _statements([record.pk for record in records if getattr(record, "hold_statements", False)])
    return {
        record.pk: Holds(
            open_objection=bool(getattr(record, "hold_objection", False)),
            objection_overdue=bool(getattr(record, "hold_overdue", False)),
            repaired=bool(getattr(record, "hold_repaired", False)),
            hidden_by_subject=bool(getattr(record, "hold_hidden", False)),
            statements=texts.get(record.pk, []),
        )
        for record in records
    }


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
        elif kind == AnnotationKind.OVERDUE:
            hold.objection_overdue = True
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
        objection_overdue=hold.objection_overdue,
        repaired=hold.repaired,
        hidden_by_subject=hold.hidden_by_subject,
        statements=tuple(hold.statements),
    )


def _flagged_holds(records: Sequence[Record]) -> dict[int, Holds]:
    """Records carrying `hold_annotated` (any active annotation) and `hold_hidden` from their query:
    the annotations are read, in one query, only for the flagged ones."""
    flagged = [record for record in records if getattr(record, "hold_annotated", False)]
    detail = holds_for(flagged, hiding_allowed=False)
    holds = {record.pk: detail.get(record.pk, Holds()) for record in records}
    for record in records:
        holds[record.pk].hidden_by_subject = bool(getattr(record, "hold_hidden", False))
    return holds


def facts_for(records: Iterable[Record], *, hiding_allowed: bool) -> list[RecordFacts]:
    """Facts for records fetched with their item (`select_related("item")`), through `with_holds`,
    from `public_rows`, or plain."""
    rows = list(records)
    if rows and all(hasattr(record, "hold_annotated") for record in rows):
        holds = _flagged_holds(rows)
    elif rows and all(hasattr(record, "hold_objection") for record in rows):
        if hiding_allowed and not all(hasattr(record, "hold_hidden") for record in rows):
            raise ValueError("records were annotated by with_holds(hiding_allowed=False) but hiding is allowed")
        holds = _annotated_holds(rows)
    else:
        holds = holds_for(rows, hiding_allowed=hiding_allowed)
    return [record_facts(record, record.item.openness, holds[record.pk]) for record in rows]
