"""Reads of credit reports: the archive each user may see, the verification by number, and the
content of a report assembled from the disclosure decision, the lists and the open procedures.

Record content comes only from `records_disclosed` results handed in by the services (which go
through the self-query and the authorised query so that every look is logged); nothing here reads
Record rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from pubcredit.accounts.actors import actor_may, is_superuser, subject_account_id
from pubcredit.accounts.models import User
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.disclosure.selectors.records import Disclosed, RecordGroup, group_disclosed
from pubcredit.disclosure.viewers import ViewerKind
from pubcredit.lists.models import ListEntry
from pubcredit.lists.selectors import entries_in_force, published_entries_of
from pubcredit.objections.models import OPEN_STATES, Objection
from pubcredit.objections.selectors import objections_of_subject
from pubcredit.repairs.models import RepairApplication, RepairState
from pubcredit.repairs.selectors import repairs_of_subject
from pubcredit.reports.models import Report, ReportKind
from pubcredit.reports.rules import NOT_FOUND, Note, SpecialField, in_span, number_is_well_formed
from pubcredit.subjects.models import Subject

_OVERSIGHT = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)


def user_sees_archive(user: Any) -> bool:
    """The credit centre and the oversight roles see every archived report."""
    return is_superuser(user) or (isinstance(user, User) and user.is_active and actor_may(user, *_OVERSIGHT))


def user_generates_public(user: Any) -> bool:
    """Operators generate the public version of any subject (at the counter, for instance)."""
    return is_superuser(user) or (isinstance(user, User) and user.is_active and actor_may(user, Role.OPERATOR))


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """The archive for the centre and oversight; a subject's account: every report about its
    subject; anyone else signed in: the reports it generated itself."""
    reports = Report.objects.select_related("subject", "superseded_by")
    if user_sees_archive(user):
        return reports.all()
    if not (isinstance(user, User) and user.is_active):
        return reports.none()
    condition = Q(generated_by=user)
    subject_id = subject_account_id(user)
    if subject_id is not None:
        condition |= Q(subject_id=subject_id)
    return reports.filter(condition)


def report_get(user: Any, pk: int) -> Report:
    """One report the user may see; NotFound otherwise, so that ids reveal nothing."""
    found = reports_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"信用报告 {pk} 不存在或您无权查看", field="report")
    return found


@dataclass(frozen=True)
class Verification:
    number: str
    report: Report | None
    superseded_by: Report | None = None
    matches: bool | None = None  # None: no file or digest given

    @property
    def found(self) -> bool:
        return self.report is not None


def report_verify(number: str, *, sm3: str | None = None) -> Verification:
    """What anyone may learn from a report number: whether it exists, whose it is (masked for
    persons), when it was made, its SM3 digest, whether a newer one supersedes it, and whether a
    given digest is that of the archived file."""
    cleaned = (number or "").strip().upper()
    report = None
    if number_is_well_formed(cleaned):
        report = Report.objects.select_related("subject").filter(number=cleaned).first()
    if report is None:
        return Verification(cleaned, None)
    newest = report.superseded_by
    seen = {report.pk}
    while newest is not None and newest.superseded_by_id is not None and newest.pk not in seen:
        seen.add(newest.pk)
        newest = Report.objects.filter(pk=newest.superseded_by_id).first()
    matches = None if sm3 is None else sm3.strip().lower() == report.sha
    return Verification(cleaned, report, newest, matches)


# --- content -------------------------------------------------------------------------------------


@dataclass
class SpecialLine:
    special: SpecialField
    groups: list[RecordGroup] = field(default_factory=list)
    entries: list[ListEntry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups and not self.entries

    @property
    def not_found(self) -> str:
        return NOT_FOUND


@dataclass
class ReportContent:
    """Everything the report template prints, computed before the layout."""

    number: str
    kind: str
    kind_label: str
    viewer_kind: str
    subject: Subject
    subject_name: str
    subject_identifier: str
    span: tuple[dt.date, dt.date]
    generated_at: dt.datetime
    generated_by_label: str
    pack: str
    verify_url: str
    basic: list[RecordGroup]
    good: list[RecordGroup]
    bad: list[RecordGroup]
    list_entries: list[ListEntry]
    objections: list[Objection] | None  # None: not part of this version
    repairs: list[RepairApplication] | None
    special: list[SpecialLine] | None
    notes: list[Note]
    requester_label: str = ""
    purpose: str = ""
    record_count: int = 0


def _split(groups: list[RecordGroup]) -> tuple[list[RecordGroup], list[RecordGroup], list[RecordGroup]]:
    return (
        [g for g in groups if g.kind == "basic"],
        [g for g in groups if g.kind == "good"],
        [g for g in groups if g.kind == "bad"],
    )


def in_span_only(disclosed: list[Disclosed], span: tuple[dt.date, dt.date]) -> list[Disclosed]:
    return [d for d in disclosed if in_span(d.record.kind, d.record.decided_on, span)]


def list_status(subject: Subject, *, viewer_kind: ViewerKind, on: dt.date) -> list[ListEntry]:
    """Entries in force: the subject sees all of its own; everyone else (the public, a requester,
    whose authorisation names catalogue items and no list) only the kinds the pack publishes."""
    if viewer_kind is ViewerKind.SUBJECT:
        return entries_in_force([subject.pk], on=on).get(subject.pk, [])
    return published_entries_of(subject.pk, on=on)


def open_procedures(actor: Any) -> tuple[list[Objection], list[RepairApplication]]:
    """The subject's objections and repair applications still in progress (its own account)."""
    objections = list(objections_of_subject(actor).filter(state__in=list(OPEN_STATES)))
    repairs = list(
        repairs_of_subject(actor).filter(state=RepairState.SUBMITTED).select_related("record__item", "provider")
    )
    return objections, repairs


def special_lines(
    disclosed: list[Disclosed], entries: list[ListEntry], fields: tuple[SpecialField, ...]
) -> list[SpecialLine]:
    lines: list[SpecialLine] = []
    for special in fields:
        line = SpecialLine(special)
        if special.item_codes:
            chosen = [d for d in disclosed if d.record.item_code in special.item_codes]
            line.groups = group_disclosed(chosen, public=False)
        if special.list_kind:
            line.entries = [e for e in entries if e.kind == special.list_kind]
        lines.append(line)
    return lines


def report_content(
    *,
    number: str,
    kind: str,
    viewer_kind: ViewerKind,
    subject: Subject,
    disclosed: list[Disclosed],
    span: tuple[dt.date, dt.date],
    generated_at: dt.datetime,
    generated_by_label: str,
    pack: str,
    verify_url: str,
    notes: list[Note],
    on: dt.date,
    procedures: tuple[list[Objection], list[RepairApplication]] | None = None,
    fields: tuple[SpecialField, ...] = (),
    requester_label: str = "",
    purpose: str = "",
) -> ReportContent:
    public = viewer_kind is ViewerKind.PUBLIC
    chosen = in_span_only(disclosed, span)
    entries = list_status(subject, viewer_kind=viewer_kind, on=on)
    special = special_lines(chosen, entries, fields) if kind == ReportKind.SPECIAL else None
    basic, good, bad = _split(group_disclosed(chosen, public=public)) if special is None else ([], [], [])
    return ReportContent(
        number=number,
        kind=kind,
        kind_label=ReportKind(kind).label,
        viewer_kind=viewer_kind.value,
        subject=subject,
        subject_name=subject.public_name if public else subject.name,
        subject_identifier=subject.display_identifier,
        span=span,
        generated_at=generated_at,
        generated_by_label=generated_by_label,
        pack=pack,
        verify_url=verify_url,
        basic=basic,
        good=good,
        bad=bad,
        list_entries=entries,
        objections=procedures[0] if procedures is not None else None,
        repairs=procedures[1] if procedures is not None else None,
        special=special,
        notes=notes,
        requester_label=requester_label,
        purpose=purpose,
        record_count=len(chosen) if special is None else sum(len(g.entries) for line in special for g in line.groups),
    )
