"""The only read path for credit records shown to anyone: `records_disclosed`.

SQL prefilters by conditions `decide` also applies (status, openness, period ends, the viewer's
own subject, provider or items), so the filter can only drop what `decide` would withhold; then
`decide` runs on every remaining record. One query: records with their items and their holds
(open objection, repair, hide request) as EXISTS columns; a second only when a record carries
annotations to read. The PUBLIC path uses the same conditions in one hand-written query
(`public_rows`), since it serves the portal and the public API at high rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from pubcredit.core.errors import DomainError, PermissionDenied
from pubcredit.disclosure import rules
from pubcredit.disclosure.models.outcomes import HideRequest
from pubcredit.disclosure.rules import Decision, decide
from pubcredit.disclosure.selectors.facts import facts_for, with_holds
from pubcredit.disclosure.selectors.public_rows import public_rows, public_subject_rows
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import Policy, get_policy
from pubcredit.records.models import Record, RecordStatus, RecordVersion
from pubcredit.records.rules import CLASS_LABELS, KIND_LABELS
from pubcredit.subjects.models import Subject

_KEPT = (RecordStatus.ACTIVE, RecordStatus.ARCHIVED)
_PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")
# What the decision and the pages read; the rest (timestamps, batch, basis, item texts) stays unread.
_RECORD_COLUMNS = (
    "subject_id",
    "subject_kind",
    "item",
    "item_code",
    "provider_id",
    "source_ref",
    "info_class",
    "kind",
    "tier",
    "decided_on",
    "end_date",
    "data",
    "status",
    "version",
    "self_declared",
    "disclosure_ends_on",
    "retention_ends_on",
    "item__name",
    "item__openness",
    "item__fields",
)


@dataclass(frozen=True, slots=True)
class Disclosed:
    record: Record
    decision: Decision


def _persons_hidden(subject: Subject, policy: Policy) -> bool:
    """西安 第十七条: a person's records are not public at all where the pack says so."""
    return subject.kind == "person" and not rules.persons_public(policy)


def _prefilter(viewer: Viewer, subject: Subject, on: dt.date) -> QuerySet[Record] | None:
    """Necessary conditions of a shown record for a non-public viewer, or None when nothing can be
    shown. (The PUBLIC viewer's conditions are in `public_rows`.)"""
    records = Record.objects.filter(subject=subject)
    kind = viewer.kind
    if kind is ViewerKind.SUBJECT:
        return records.filter(status__in=_KEPT) if viewer.subject_id == subject.pk else None
    if kind is ViewerKind.PROVIDER:
        if viewer.organisation_id is None:
            return None
        return records.filter(status__in=_KEPT, provider_id=viewer.organisation_id)
    if kind is ViewerKind.OPERATOR:
        return records.filter(status__in=_KEPT)
    items = sorted(viewer.items or ())
    if not items:
        return None
    records = records.filter(
        Q(disclosure_ends_on__isnull=True)
        | Q(disclosure_ends_on__gte=on)
        | Q(retention_ends_on__isnull=False, retention_ends_on__gte=on),
        status__in=_KEPT,
        item_code__in=items,
    )
    if kind is ViewerKind.AUTHORISED:
        records = records.exclude(item__openness=rules.OPEN_SHARING_ONLY)
    return records


def records_disclosed(
    *, viewer: Viewer, subject: Subject, on: dt.date | None = None, include_withheld: bool = False
) -> list[Disclosed]:
    """The subject's records this viewer may see on `on` (today by default), each with its decision.

    `include_withheld` (operators only) also returns every withheld record, purged and withdrawn
    ones included, with the reasons, for the explain panel.
    """
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    hiding_allowed = rules.hiding_applies(policy)
    if include_withheld and viewer.kind is not ViewerKind.OPERATOR:
        raise PermissionDenied("仅信用中心工作人员可查看未公开记录及其原因", field="include_withheld")
    if viewer.kind is ViewerKind.PUBLIC:
        if _persons_hidden(subject, policy):
            return []
        rows = public_rows(subject.pk, day, hiding_allowed=hiding_allowed)
    else:
        records = Record.objects.filter(subject=subject) if include_withheld else _prefilter(viewer, subject, day)
        if records is None:
            return []
        rows = list(
            with_holds(records, hiding_allowed=hiding_allowed)
            .select_related("item")
            .only(*_RECORD_COLUMNS)
            .order_by("kind", "info_class", "-decided_on", "-id")
        )
    return _decided(rows, viewer, day, policy, hiding_allowed=hiding_allowed, include_withheld=include_withheld)


def _decided(
    rows: list[Record],
    viewer: Viewer,
    day: dt.date,
    policy: Policy,
    *,
    hiding_allowed: bool,
    include_withheld: bool = False,
) -> list[Disclosed]:
    result: list[Disclosed] = []
    for record, facts in zip(rows, facts_for(rows, hiding_allowed=hiding_allowed), strict=True):
        decision = decide(facts, viewer, day, policy)
        if decision.shown or include_withheld:
            result.append(Disclosed(record, decision))
    return result


def public_record_by_uscc(uscc: str, *, on: dt.date | None = None) -> tuple[Subject | None, list[Disclosed]]:
    """The public look-up by USCC in one round trip: the subject, and its records the public sees.

    The same prefilter and the same `decide` as `records_disclosed` for a PUBLIC viewer (a test
    compares the two).
    """
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    hiding_allowed = rules.hiding_applies(policy)
    subject, rows = public_subject_rows(uscc, day, hiding_allowed=hiding_allowed)
    if subject is None or _persons_hidden(subject, policy):
        return subject, []
    return subject, _decided(rows, _PUBLIC, day, policy, hiding_allowed=hiding_allowed)


@dataclass(frozen=True, slots=True)
class ShownField:
    name: str
    label: str
    value: object


@dataclass(frozen=True, slots=True)
class ShownRecord:
    """A disclosed record with its values labelled for display."""

    record: Record
    decision: Decision
    fields: list[ShownField]
    history: tuple[RecordVersion, ...] = ()  # earlier versions, where the viewer may see them
    hide_request: HideRequest | None = None  # the subject's live request to hide it


@dataclass
class RecordGroup:
    """Shown records of one kind (basic/good/bad) and one class, for pages and API answers."""

    kind: str
    kind_label: str
    info_class: str
    class_label: str
    entries: list[ShownRecord] = field(default_factory=list)


class FieldLabels:
    """The catalogue's labels for a record's values, read once per item version.

    Values of fields marked `sensitivity = consent` (收入、存款等, 西安 第十四条) are left out of
    public answers; ID numbers are stored masked already.
    """

    def __init__(self) -> None:
        self._specs: dict[int, dict[str, tuple[str, str]]] = {}

    def _for(self, record: Record) -> dict[str, tuple[str, str]]:
        specs = self._specs.get(record.item_id)
        if specs is None:
            try:
                specs = {spec.name: (spec.label, spec.sensitivity) for spec in record.item.field_specs()}
            except DomainError:  # an item without a valid field list: show the stored names
                specs = {}
            self._specs[record.item_id] = specs
        return specs

    def fields(self, record: Record, *, public: bool) -> list[ShownField]:
        specs = self._for(record)
        shown: list[ShownField] = []
        for name, value in (record.data or {}).items():
            label, sensitivity = specs.get(name, (name, "none"))
            if public and sensitivity != "none":
                continue
            shown.append(ShownField(name, label, value))
        return shown


def group_disclosed(disclosed: list[Disclosed], *, public: bool) -> list[RecordGroup]:
    """Groups in the order basic, good, bad and by class, each newest first (as fetched)."""
    labels = FieldLabels()
    groups: dict[tuple[str, str], RecordGroup] = {}
    for entry in disclosed:
        record = entry.record
        key = (record.kind, record.info_class)
        group = groups.get(key)
        if group is None:
            group = groups[key] = RecordGroup(
                record.kind,
                KIND_LABELS.get(record.kind, record.kind),
                record.info_class,
                CLASS_LABELS.get(record.info_class, record.info_class),
            )
        group.entries.append(ShownRecord(record, entry.decision, labels.fields(record, public=public)))
    order = {kind: n for n, kind in enumerate(("basic", "good", "bad"))}
    classes = {code: n for n, code in enumerate(CLASS_LABELS)}
    return sorted(groups.values(), key=lambda g: (order.get(g.kind, 9), classes.get(g.info_class, 9)))


def record_histories(disclosed: list[Disclosed]) -> dict[int, list[RecordVersion]]:
    """Earlier versions of the records whose decision lets the viewer see history, in one query."""
    ids = [entry.record.pk for entry in disclosed if entry.decision.history_visible and entry.record.version > 1]
    histories: dict[int, list[RecordVersion]] = {}
    if ids:
        for version in RecordVersion.objects.filter(record_id__in=ids).order_by("record_id", "version"):
            histories.setdefault(version.record_id, []).append(version)
    return histories
