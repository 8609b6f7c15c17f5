"""The archive register of statistical reports (南通 第二十条: the statistical analysis reports the
credit centre produces are kept under an archive registration system).

Every statistical report file that leaves the platform is registered once: a number
(`TJ` + day + sequence), what it holds (kind, period, district, format), the rollup its figures
come from, the SM3 digest, size and private storage path of the bytes, who made it and when. The
same report from the same rollup asked again is served from the archive, so what was handed out
can always be shown again byte for byte; a report made from a newer rollup gets a new entry that
names the one it supersedes, and the older entry says which one superseded it.

The bytes are stored by their SM3 digest under `STORAGE_DIR` in the private storage (never under
a public URL), inside the transaction that writes the row: a failed write of either leaves
neither (the file is removed when the row or its audit event fails, the row rolls back when the
file cannot be stored). Every read checks the bytes against the registered digest; a file that
no longer matches is never served and the refusal is audited as tampering.

Operators and the authority make reports (`statistics_visible_to`); they and auditors read the
register (inspection of the archive is the auditors' job).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import actor_user_and_label
from pubcredit.accounts.models import User
from pubcredit.accounts.selectors import user_has_role
from pubcredit.core.audit import audit_digest, audit_record
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.downloads import XLSX_CONTENT_TYPE, stored_once
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.proof_files import proof_files_orphans_delete
from pubcredit.core.roles import Role
from pubcredit.statistics.models import RollupRun, StatisticalReport, StatisticalReportFormat, StatisticalReportKind
from pubcredit.statistics.selectors import statistics_visible_to

STORAGE_DIR = "statistical_reports"
NUMBER_PREFIX = "TJ"
CONTENT_TYPES: dict[str, str] = {
    StatisticalReportFormat.PDF.value: "application/pdf",
    StatisticalReportFormat.XLSX.value: XLSX_CONTENT_TYPE,
}
ARCHIVE_READERS = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)
NOT_ALLOWED = "只有信用中心、主管部门和审计监督人员可以查看统计报告存档"

UserLike = User | AnonymousUser | None


class ArchiveTampered(DomainError):
    """The stored bytes no longer match the registered SM3 digest: the file is not served."""

    code = "tampered"


class ArchiveFileMissing(NotFound):
    """The registered file is not in the storage any more: nothing to serve."""


@dataclass(frozen=True, slots=True)
class ReportKey:
    """What makes two requests the same report: asked again, the archived file is served."""

    kind: str
    period: str
    district: str
    file_format: str
    rollup: RollupRun | None


@dataclass(frozen=True, slots=True)
class Archived:
    """A report's archive entry and its bytes; `registered` is False when the file was reused."""

    report: StatisticalReport
    content: bytes
    registered: bool


# --- selectors -------------------------------------------------------------------------------


def statistical_archive_visible_to(user: UserLike) -> bool:
    """Operators, the authority and auditors read the register; nobody else does."""
    return any(user_has_role(user, role) for role in ARCHIVE_READERS)


def statistical_reports_visible_to(user: UserLike) -> QuerySet[StatisticalReport]:
    if not statistical_archive_visible_to(user):
        return StatisticalReport.objects.none()
    return StatisticalReport.objects.select_related("rollup", "supersedes", "superseded_by")


def statistical_reports_list(user: UserLike, *, period: str = "") -> QuerySet[StatisticalReport]:
    """The register newest first, optionally of one period (its code, such as 2026-Q3)."""
    reports = statistical_reports_visible_to(user)
    if period:
        reports = reports.filter(period=period)
    return reports.order_by("-generated_at", "-id")


def statistical_report_get(user: UserLike, pk: int) -> StatisticalReport:
    if not statistical_archive_visible_to(user):
        raise PermissionDenied(NOT_ALLOWED)
    report = statistical_reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise NotFound(f"未找到登记序号为 {pk} 的统计报告", field="report")
    return report


def statistical_report_find(key: ReportKey) -> StatisticalReport | None:
    """The archived file of exactly this report from exactly this rollup, if any."""
    return (
        StatisticalReport.objects.filter(
            kind=key.kind, period=key.period, district=key.district, file_format=key.file_format
        )
        .filter(Q(rollup=key.rollup) if key.rollup is not None else Q(rollup__isnull=True))
        .first()
    )


def statistical_report_content_type(report: StatisticalReport) -> str:
    return CONTENT_TYPES[report.file_format]


def statistical_report_file_name(report: StatisticalReport) -> str:
    """The name an archived file is downloaded under: kind, period and register number."""
    return f"{report.kind}-{report.period}-{report.number}.{report.file_format}"


# --- reading the stored bytes ----------------------------------------------------------------


def statistical_report_read(*, actor: UserLike, report: StatisticalReport) -> bytes:
    """The archived bytes, checked against the registered digest. A missing file or one that no
    longer matches is audited (in its own transaction, so the trace stays) and refused."""
    try:
        with default_storage.open(report.path, "rb") as handle:
            content: bytes = handle.read()
    except FileNotFoundError:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="statistics.statistical_report.missing",
                target=report,
                data={"number": report.number, "sm3": audit_digest(report.sha)},
            )
        raise ArchiveFileMissing(
            f"统计报告 {report.number} 的存档文件不存在，已记入审计日志，请联系信用中心核查", field="report"
        ) from None
    found = sm3_hex(content)
    if found != report.sha:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="statistics.statistical_report.tampered",
                target=report,
                data={
                    "number": report.number,
                    "sm3": audit_digest(report.sha),
                    "found_sm3": audit_digest(found),
                    "size": report.size,
                    "found_size": len(content),
                },
            )
        raise ArchiveTampered(
            f"统计报告 {report.number} 的存档文件与登记的 SM3 摘要不符，可能已被篡改，不予提供；"
            "已记入审计日志，请联系信用中心核查",
            field="report",
        )
    return content


# --- services --------------------------------------------------------------------------------


def statistical_report_open(*, actor: UserLike, report_id: int) -> Archived:
    """An archived file for an operator, the authority or an auditor, checked and audited."""
    report = statistical_report_get(actor, report_id)
    content = statistical_report_read(actor=actor, report=report)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="statistics.statistical_report.download",
            target=report,
            data={"number": report.number, "kind": report.kind, "period": report.period, "format": report.file_format},
        )
    return Archived(report=report, content=content, registered=False)


def statistical_report_archive(
    *,
    actor: UserLike,
    key: ReportKey,
    period_label: str,
    providers: int,
    render: Callable[[], bytes],
) -> Archived:
    """The report's archived file, or `render` it now and register it.

    Only operators and the authority make reports. The file is rendered outside any transaction
    (a PDF takes a while), then stored and registered in one. Two people asking for the same new
    report at once both render it; the register keeps the first and serves it to the second.
    """
    if not statistics_visible_to(actor):
        raise PermissionDenied("只有信用中心和主管部门可以生成统计报告")
    if key.kind not in StatisticalReportKind.values:
        raise ValidationFailed(f"统计报告类型“{key.kind[:20]}”不存在", field="kind")
    if key.file_format not in StatisticalReportFormat.values:
        raise ValidationFailed(f"文件格式“{key.file_format[:10]}”无效，可选 PDF 或 XLSX", field="format")
    existing = statistical_report_find(key)
    if existing is not None:
        return Archived(existing, statistical_report_read(actor=actor, report=existing), registered=False)
    content = render()
    try:
        report = statistical_report_register(
            actor=actor, key=key, period_label=period_label, providers=providers, content=content
        )
    except IntegrityError:
        # Someone registered the same report from the same rollup a moment ago: serve theirs.
        winner = statistical_report_find(key)
        if winner is None:
            raise
        return Archived(winner, statistical_report_read(actor=actor, report=winner), registered=False)
    return Archived(report, content, registered=True)


def _rollup_order(rollup: RollupRun | None) -> tuple[dt.datetime, int]:
    if rollup is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC), 0
    return rollup.finished_at, rollup.pk


def statistical_report_register(
    *, actor: UserLike, key: ReportKey, period_label: str, providers: int, content: bytes
) -> StatisticalReport:
    """Store the bytes and register them, with the supersession and the audit event, as one step:
    if any part fails, the row rolls back and a file this call wrote is removed."""
    if not statistics_visible_to(actor):
        raise PermissionDenied("只有信用中心和主管部门可以生成统计报告")
    digest = sm3_hex(content)
    user, label = actor_user_and_label(actor)
    now = timezone.now()
    path, written = "", False
    try:
        with transaction.atomic():
            current = list(
                StatisticalReport.objects.select_for_update(of=("self",))
                .select_related("rollup")
                .filter(
                    kind=key.kind,
                    period=key.period,
                    district=key.district,
                    file_format=key.file_format,
                    superseded_by__isnull=True,
                )
            )
            report = StatisticalReport.objects.create(
                number=f"tmp-{uuid.uuid4().hex[:16]}",
                kind=key.kind,
                period=key.period,
                period_label=period_label[:20],
                district=key.district,
                file_format=key.file_format,
                rollup=key.rollup,
                providers=providers,
                sha=digest,
                size=len(content),
                path="",
                generated_at=now,
                generated_by=user,
                generated_by_label=label,
            )
            report.number = f"{NUMBER_PREFIX}{timezone.localdate(now):%Y%m%d}{report.pk:06d}"
            path = f"{STORAGE_DIR}/{digest}.{key.file_format}"
            written = stored_once(path, content)
            report.path = path
            mine = _rollup_order(key.rollup)
            older = [row for row in current if _rollup_order(row.rollup) < mine]
            newer = [row for row in current if _rollup_order(row.rollup) > mine]
            if older:
                report.supersedes = max(older, key=lambda row: _rollup_order(row.rollup))
                StatisticalReport.objects.filter(pk__in=[row.pk for row in older]).update(superseded_by=report)
            if newer:
                # A rollup finished while this file was being made: the newer entry stays current.
                report.superseded_by = max(newer, key=lambda row: _rollup_order(row.rollup))
            report.save(update_fields=["number", "path", "supersedes", "superseded_by"])
            audit_record(
                actor=actor,
                action="statistics.statistical_report.register",
                target=report,
                data={
                    "number": report.number,
                    "kind": key.kind,
                    "period": key.period,
                    "district": key.district,
                    "format": key.file_format,
                    "rollup_id": key.rollup.pk if key.rollup else None,
                    "sm3": audit_digest(digest),
                    "size": len(content),
                    "supersedes": [row.number for row in older],
                    "superseded_by": report.superseded_by.number if report.superseded_by else None,
                },
            )
    except BaseException:
        if written:
            default_storage.delete(path)
        raise
    return report


def statistical_report_orphans_purge(*, now: dt.datetime | None = None) -> int:
    """Delete archive files no entry names, older than a day: left only when a caller's own
    enclosing transaction rolled back after a registration. Registered files are never touched."""
    known = set(StatisticalReport.objects.values_list("path", flat=True))
    purged, _size = proof_files_orphans_delete(STORAGE_DIR, known, now=now or timezone.now())
    if purged:
        with transaction.atomic():
            audit_record(actor=None, action="statistics.statistical_report.orphans_purge", data={"purged": purged})
    return purged
