"""Writes of credit reports: generate (decide, lay out, sign, archive, supersede, audit), and the
audited download of an archived report.

Who may generate what (GB/T 42337-2023, 西安 第十九条, 大连 第十二条):

- the subject's own account: every version of its own reports (public, full, 信用代证);
- a requester holding the subject's authorisation: the full version within that authorisation
  (its items, purpose and validity, checked by the authorised query, which logs the look);
- credit-centre operators: the public version of any subject;
- the public: no generation, but every report can be verified by its number.

The decision is read through the self-query (`record_self_query`), the authorised query
(`authorised_query`) or `records_disclosed` with the PUBLIC viewer; the lay-out and the signature
are done outside any transaction, then the row, the supersession and the audit event are written
in one.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_user_and_label, audit_identity, subject_account_id
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.core.audit import audit_digest, audit_record
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.downloads import stored_once
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.proof_files import proof_files_orphans_delete
from pubcredit.disclosure.selectors.records import Disclosed, records_disclosed
from pubcredit.disclosure.services.authorisations import authorised_query
from pubcredit.disclosure.services.record_views import record_self_query
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import get_policy
from pubcredit.reports import render, signing
from pubcredit.reports.models import Report, ReportKind
from pubcredit.reports.rules import clean_span, clean_special_fields, report_number, undisclosed_notes
from pubcredit.reports.selectors import open_procedures, report_content, user_generates_public
from pubcredit.subjects.models import Subject

STORAGE_DIR = "reports"
_PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")


@dataclass
class Timings:
    """Seconds spent in each phase of the last generation, wall clock and CPU time of the process
    (bench/report.py prints them)."""

    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, work: Callable[[], Any]) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return work()
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - started
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


def verify_base_url() -> str:
    """Where the QR code points: the portal's public address (PUBCREDIT_PUBLIC_BASE_URL)."""
    base = getattr(settings, "PUBCREDIT_PUBLIC_BASE_URL", None) or "http://127.0.0.1:8000"
    return str(base).rstrip("/")


def _subject_for(actor: Actor, subject: Subject | None, kind: str) -> Subject:
    own = subject_account_id(actor)
    if own is not None:
        if subject is not None and subject.pk != own:
            # Another subject's reports answer like a missing subject: an id tells nothing.
            raise NotFound("未找到该信息主体", field="subject")
        found = Subject.objects.filter(pk=own).first()
        if found is None:
            raise NotFound("未找到该信息主体", field="subject")
        return found
    if kind == ReportKind.PUBLIC and user_generates_public(actor):
        if subject is None:
            raise ValidationFailed("须指定生成报告的信息主体", field="subject")
        return subject
    raise PermissionDenied("只有信息主体本人、持有授权的查询单位或信用中心工作人员可以生成信用报告")


@dataclass(frozen=True)
class Decided:
    viewer_kind: ViewerKind
    subject: Subject
    disclosed: list[Disclosed]
    procedures: tuple[list[Any], list[Any]] | None = None
    authorisation_id: int | None = None
    requester_organisation_id: int | None = None
    requester_label: str = ""
    purpose: str = ""
    items_out_of_scope: list[tuple[str, str]] = field(default_factory=list)


def _decide(
    *,
    actor: Actor,
    kind: str,
    subject: Subject | None,
    authorisation_id: object,
    purpose: str,
    confirm_charge: bool,
    today: dt.date,
) -> Decided:
    if authorisation_id not in (None, ""):
        if kind != ReportKind.FULL:
            raise ValidationFailed("持授权查询只能生成完整版信用报告（授权范围内）", field="kind")
        if subject is None:
            raise ValidationFailed("须指定授权所涉的信息主体", field="subject")
        answer = authorised_query(
            actor=actor,
            subject=subject,
            authorisation_id=authorisation_id,
            purpose=purpose,
            confirm_charge=confirm_charge,
            on=today,
        )
        granted = answer.items
        out = sorted({(item.code, item.name) for item in catalog_items_published(on=today) if item.code not in granted})
        return Decided(
            ViewerKind.AUTHORISED,
            answer.subject,
            answer.disclosed,
            authorisation_id=answer.authorisation.pk,
            requester_organisation_id=answer.authorisation.requester_organisation_id,
            requester_label=answer.authorisation.requester_label,
            purpose=answer.log_entry.purpose,
            items_out_of_scope=out,
        )
    target = _subject_for(actor, subject, kind)
    if kind == ReportKind.PUBLIC:
        return Decided(ViewerKind.PUBLIC, target, records_disclosed(viewer=_PUBLIC, subject=target, on=today))
    # The full and 信用代证 versions are the subject's own self-query (logged, charged per pack).
    own, disclosed = record_self_query(actor=actor, confirm_charge=confirm_charge, on=today)
    return Decided(ViewerKind.SUBJECT, own, disclosed, procedures=open_procedures(actor))


def report_generate(
    *,
    actor: Actor,
    kind: str,
    span_from: dt.date | None,
    span_to: dt.date | None,
    subject: Subject | None = None,
    fields: Sequence[str] = (),
    authorisation_id: object = None,
    purpose: str = "",
    confirm_charge: bool = False,
    timings: Timings | None = None,
) -> Report:
    """Generate, sign and archive one credit report; returns the archived row."""
    clock = timings or Timings()
    if kind not in ReportKind.values:
        allowed = "、".join(f"{k.value}（{k.label}）" for k in ReportKind)
        raise ValidationFailed(f"报告版本“{str(kind)[:20]}”不存在，可选：{allowed}", field="kind")
    now = timezone.now()
    today = timezone.localdate(now)
    span = clean_span(span_from, span_to, today=today)
    chosen = clean_special_fields(list(fields)) if kind == ReportKind.SPECIAL else ()
    policy = get_policy(on=today)
    decided: Decided = clock.run(
        "decision",
        lambda: _decide(
            actor=actor,
            kind=kind,
            subject=subject,
            authorisation_id=authorisation_id,
            purpose=purpose,
            confirm_charge=confirm_charge,
            today=today,
        ),
    )
    user, label = actor_user_and_label(actor)
    notes = undisclosed_notes(
        viewer_kind=decided.viewer_kind,
        policy=policy,
        subject_kind=decided.subject.kind,
        items_out_of_scope=decided.items_out_of_scope,
        special=kind == ReportKind.SPECIAL,
    )
    number = report_number(today)
    verify_url = verify_base_url() + reverse("verify:report", args=[number])
    content = report_content(
        number=number,
        kind=kind,
        viewer_kind=decided.viewer_kind,
        subject=decided.subject,
        disclosed=decided.disclosed,
        span=span,
        generated_at=timezone.localtime(now),
        generated_by_label=label,
        pack=policy.code,
        verify_url=verify_url,
        notes=notes,
        on=today,
        procedures=decided.procedures,
        fields=chosen,
        requester_label=decided.requester_label,
        purpose=decided.purpose,
    )
    html = clock.run("html", lambda: render.report_html({"c": content, "qr": render.qr_svg_data_uri(verify_url)}))
    pdf, pages = clock.run("pdf", lambda: render.html_to_pdf(html))
    signed: bytes = clock.run(
        "signing",
        lambda: signing.sign_pdf(pdf, reason=f"公共信用信息报告 {number}", location="公共信用信息平台"),
    )
    digest = sm3_hex(signed)
    path = _store(digest, signed)
    try:
        report = _archive(
            actor=actor,
            user=user,
            label=label,
            number=number,
            kind=kind,
            decided=decided,
            span=span,
            fields=[f.code for f in chosen],
            digest=digest,
            size=len(signed),
            path=path,
            pages=pages,
            pack=policy.code,
            generated_at=now,
        )
    except IntegrityError:
        raise ValidationFailed("报告编号冲突，请重新生成", field="number") from None
    return report


def _store(digest: str, content: bytes) -> str:
    path = f"{STORAGE_DIR}/{digest}.pdf"
    stored_once(path, content)
    return path


@transaction.atomic
def _archive(
    *,
    actor: Actor,
    user: Any,
    label: str,
    number: str,
    kind: str,
    decided: Decided,
    span: tuple[dt.date, dt.date],
    fields: list[str],
    digest: str,
    size: int,
    path: str,
    pages: int,
    pack: str,
    generated_at: dt.datetime,
) -> Report:
    report = Report.objects.create(
        number=number,
        subject=decided.subject,
        kind=kind,
        viewer_kind=decided.viewer_kind.value,
        authorisation_id=decided.authorisation_id,
        requester_organisation_id=decided.requester_organisation_id,
        span_from=span[0],
        span_to=span[1],
        fields=fields,
        sha=digest,
        size=size,
        path=path,
        pages=pages,
        pack=pack,
        generated_at=generated_at,
        generated_by=user,
        generated_by_label=label[:150],
    )
    # The newest report of the same version made for the same party supersedes the older ones.
    superseded = Report.objects.filter(
        subject=decided.subject,
        kind=kind,
        viewer_kind=decided.viewer_kind.value,
        requester_organisation_id=decided.requester_organisation_id,
        superseded_by__isnull=True,
    ).exclude(pk=report.pk)
    older = list(superseded.values_list("number", flat=True))
    superseded.update(superseded_by=report)
    who, extra = audit_identity(actor)
    audit_record(
        actor=who,
        action="reports.report.generate",
        target=report,
        data={
            "number": number,
            "subject": decided.subject.pk,
            "kind": kind,
            "viewer_kind": decided.viewer_kind.value,
            "authorisation": decided.authorisation_id,
            "span": [span[0].isoformat(), span[1].isoformat()],
            "fields": fields,
            "sm3": audit_digest(digest),
            "supersedes": older,
            **extra,
        },
    )
    return report


@transaction.atomic
def report_open(*, actor: Actor, report: Report) -> bytes:
    """The archived bytes of a report the caller may see (checked by the selector), audited."""
    try:
        with default_storage.open(report.path, "rb") as handle:
            content: bytes = handle.read()
    except FileNotFoundError:
        raise NotFound(f"信用报告 {report.number} 的文件不在存档中，请联系信用中心", field="report") from None
    who, extra = audit_identity(actor)
    audit_record(
        actor=who,
        action="reports.report.download",
        target=report,
        data={"number": report.number, "subject": report.subject_id, **extra},
    )
    return content


def report_orphans_purge(*, now: dt.datetime | None = None) -> int:
    """Delete report files no archived report refers to, older than a day.

    A report's file is written before its row commits, so a generation that failed at the last
    step leaves a file behind, which holds the subject's information with no purpose left.
    Archived reports are never touched, whatever their age.
    """
    known = set(Report.objects.values_list("path", flat=True))
    purged, _ = proof_files_orphans_delete(STORAGE_DIR, known, now=now or timezone.now())
    if purged:
        with transaction.atomic():
            audit_record(actor=None, action="reports.orphan_files.purge", data={"purged": purged})
    return purged
