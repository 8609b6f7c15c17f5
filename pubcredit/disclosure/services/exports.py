"""Writes of record exports: request, approve, refuse, download, expire.

西安 第三十八条 and 元宝山 第二十七条: staff query within set permissions and procedures. A bulk export
of natural persons' records is asked for by an operator with a stated reason and approved or
refused by a different operator or an authority user (the database refuses the requester as
approver too); the approval is audited. Only then is the file generated: an XLSX with every text
cell made inert for spreadsheets and ID numbers masked unless the request asked for full numbers
and the approver approved that. The file is stored encrypted (SM4-GCM), is downloadable by the
requester alone, at most `MAX_DOWNLOADS` times within `DOWNLOAD_WINDOW` of the approval, and then
expires: the row says so and the file is deleted. Exports of organisations' records hold no
personal data and are generated at once, without approval. Every generation writes the query
log for each subject in the file (the requester's look, with the reason as its purpose).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from pubcredit.accounts.actors import Actor, actor_user_and_label
from pubcredit.accounts.models import Organisation, User
from pubcredit.catalog.selectors import catalog_item_latest
from pubcredit.collection.parsers import escape_for_spreadsheet
from pubcredit.core.audit import audit_digest, audit_record, audit_text
from pubcredit.core.crypto import decrypt_identifier, sm3_hex, sm4_gcm_decrypt, sm4_gcm_encrypt
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.disclosure.models.export_request import ExportRequest, ExportState, ExportSubjectKind
from pubcredit.disclosure.selectors.exports import (
    export_records,
    export_scope_records,
    user_approves_exports,
    user_requests_exports,
)
from pubcredit.disclosure.selectors.records import Disclosed, FieldLabels
from pubcredit.disclosure.services.query_log import query_log_write_many
from pubcredit.disclosure.staff_reasons import REASON_KINDS, staff_reason_clean
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.notices.services import notices_send, role_holders
from pubcredit.records.rules import CLASS_LABELS, KIND_LABELS, TIERS

# Platform choices, not numbers of a regulation: a day to fetch the file, a few tries for a
# broken download, and one file a spreadsheet opens comfortably.
DOWNLOAD_WINDOW = dt.timedelta(hours=24)
MAX_DOWNLOADS = 3
MAX_ROWS = 50_000
NOTE_MAX_LENGTH = 300
STORAGE_DIR = "exports"
ORPHAN_AGE = dt.timedelta(days=1)
TOPIC = "disclosure.export"
_AAD = b"pubcredit:export:"

_HEADERS = (
    "序号",
    "记录编号",
    "主体名称",
    "证件号码",
    "目录项编码",
    "目录项名称",
    "信息性质",
    "信息类别",
    "失信等级",
    "决定日期",
    "认定终止之日",
    "公开截止日",
    "来源文号",
    "信息提供单位",
    "记录内容",
)


def _require_user(actor: Actor, *, allowed: bool, refused: str) -> User:
    if not allowed or not isinstance(actor, User):
        raise PermissionDenied(refused)
    return actor


def _audit(actor: User | None, action: str, export: ExportRequest, data: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, target=export, data={"export": export.pk, **data})


def _note(value: str, *, required: bool, label: str) -> str:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise ValidationFailed(f"须填写{label}", field="note")
    if len(cleaned) > NOTE_MAX_LENGTH:
        raise ValidationFailed(f"{label}长度 {len(cleaned)} 超过上限 {NOTE_MAX_LENGTH} 个字", field="note")
    return audit_text(cleaned)


def _link(export: ExportRequest) -> str:
    return reverse("staff:export_detail", args=[export.pk])


# --- request ------------------------------------------------------------------------------------


@transaction.atomic
def export_request_create(
    *,
    actor: Actor,
    subject_kind: str,
    provider: Organisation | None,
    item_code: str,
    decided_from: dt.date,
    decided_to: dt.date,
    reason_kind: str,
    reason: str,
    full_id_numbers: bool = False,
) -> ExportRequest:
    user = _require_user(
        actor, allowed=user_requests_exports(actor), refused="只有信用中心工作人员可以申请导出信用记录"
    )
    if subject_kind not in ExportSubjectKind.values:
        raise ValidationFailed(
            f"主体类型“{subject_kind[:20]}”无效，可选：{'、'.join(ExportSubjectKind.values)}", field="subject_kind"
        )
    if provider is not None and not provider.is_provider:
        raise ValidationFailed(f"“{provider.name}”不是信息提供单位", field="provider")
    code = (item_code or "").strip().upper()
    if code and catalog_item_latest(code) is None:
        raise ValidationFailed(f"目录项“{code[:20]}”不存在", field="item_code")
    if provider is None and not code:
        raise ValidationFailed("须指定信息提供单位或目录项，不能导出全部记录", field="provider")
    if decided_to < decided_from:
        raise ValidationFailed(f"决定日期止 {decided_to:%Y-%m-%d} 早于起 {decided_from:%Y-%m-%d}", field="decided_to")
    persons = subject_kind == ExportSubjectKind.PERSON
    if full_id_numbers and not persons:
        raise ValidationFailed("组织的记录没有身份证号码，不能申请完整号码", field="full_id_numbers")
    stated = staff_reason_clean(reason_kind, reason)
    count = export_scope_records(
        subject_kind=subject_kind,
        provider_id=provider.pk if provider else None,
        item_code=code,
        decided_from=decided_from,
        decided_to=decided_to,
    ).count()
    if count == 0:
        raise ValidationFailed("所选范围内没有信用记录，无需导出", field="decided_from")
    if count > MAX_ROWS:
        raise ValidationFailed(
            f"所选范围内有 {count} 条记录，超过单次导出上限 {MAX_ROWS} 条，请缩小日期范围", field="decided_to"
        )
    _, label = actor_user_and_label(user)
    export = ExportRequest.objects.create(
        requested_by=user,
        requested_by_label=label,
        created_at=timezone.now(),
        subject_kind=subject_kind,
        provider=provider,
        item_code=code,
        decided_from=decided_from,
        decided_to=decided_to,
        full_id_numbers=full_id_numbers,
        reason_kind=stated.kind,
        reason=audit_text(stated.text),
        needs_approval=persons,
    )
    _audit(
        user,
        "disclosure.export.request",
        export,
        {
            "subject_kind": subject_kind,
            "provider": provider.pk if provider else None,
            "item_code": code,
            "from": decided_from.isoformat(),
            "to": decided_to.isoformat(),
            "full_id_numbers": full_id_numbers,
            "reason_kind": stated.kind,
            "records": count,
        },
    )
    if not persons:
        # No personal data: generated at once, without a second person (西安 第三十八条 governs
        # bulk access to persons' information).
        export.state = ExportState.APPROVED
        export.decision_note = "不含个人信息，无需审批"
        _generate(export)
        export.save()
        return export
    approvers = [
        holder for role in (Role.OPERATOR, Role.AUTHORITY) for holder in role_holders(role) if holder.pk != user.pk
    ]
    notices_send(
        recipients=approvers,
        topic=f"{TOPIC}.requested",
        title=f"记录导出申请 {export.pk} 待审批",
        body=f"{label} 申请导出自然人信用记录（{export.scope_label}），事由：{stated.label}。"
        "须由申请人以外的工作人员审批（西安 第三十八条）。",
        link=_link(export),
    )
    return export


# --- approve / refuse ---------------------------------------------------------------------------


def _locked_for_decision(actor: User, export: ExportRequest) -> ExportRequest:
    locked = ExportRequest.objects.select_for_update().get(pk=export.pk)
    if locked.requested_by_id == actor.pk:
        raise PermissionDenied(
            f"导出申请 {locked.pk} 是本人提出的，须由另一名工作人员审批（西安 第三十八条，元宝山 第二十七条）",
            field="export",
        )
    if locked.state != ExportState.REQUESTED:
        raise ValidationFailed(
            f"导出申请 {locked.pk} 的状态为“{locked.get_state_display()}”，不能再审批", field="state"
        )
    return locked


@transaction.atomic
def export_request_approve(
    *, actor: Actor, export: ExportRequest, note: str = "", full_id_numbers: bool = False
) -> ExportRequest:
    user = _require_user(
        actor, allowed=user_approves_exports(actor), refused="只有信用中心或主管部门的工作人员可以审批导出申请"
    )
    locked = _locked_for_decision(user, export)
    if full_id_numbers and not locked.full_id_numbers:
        raise ValidationFailed("申请未要求完整身份证号码，不能批准导出完整号码", field="full_id_numbers")
    _, label = actor_user_and_label(user)
    locked.state = ExportState.APPROVED
    locked.decided_by = user
    locked.decided_by_label = label
    locked.decided_at = timezone.now()
    locked.decision_note = _note(note, required=False, label="审批意见")
    locked.full_id_numbers_approved = full_id_numbers
    _generate(locked)
    locked.save()
    _audit(
        user,
        "disclosure.export.approve",
        locked,
        {"requester": locked.requested_by_id, "full_id_numbers": full_id_numbers, "records": locked.row_count},
    )
    notices_send(
        recipients=[locked.requested_by],
        topic=f"{TOPIC}.approved",
        title=f"记录导出申请 {locked.pk} 已批准",
        body=f"{label} 已批准。文件可在 {timezone.localtime(locked.expires_at):%Y-%m-%d %H:%M} 前下载，"
        f"最多 {MAX_DOWNLOADS} 次，仅限申请人本人。",
        link=_link(locked),
    )
    return locked


@transaction.atomic
def export_request_refuse(*, actor: Actor, export: ExportRequest, note: str) -> ExportRequest:
    user = _require_user(
        actor, allowed=user_approves_exports(actor), refused="只有信用中心或主管部门的工作人员可以审批导出申请"
    )
    locked = _locked_for_decision(user, export)
    _, label = actor_user_and_label(user)
    locked.decision_note = _note(note, required=True, label="拒绝理由")
    locked.state = ExportState.REFUSED
    locked.decided_by = user
    locked.decided_by_label = label
    locked.decided_at = timezone.now()
    locked.save()
    _audit(user, "disclosure.export.refuse", locked, {"requester": locked.requested_by_id})
    notices_send(
        recipients=[locked.requested_by],
        topic=f"{TOPIC}.refused",
        title=f"记录导出申请 {locked.pk} 未获批准",
        body=f"{label} 拒绝了该导出申请，理由：{locked.decision_note}",
        link=_link(locked),
    )
    return locked


# --- the file -----------------------------------------------------------------------------------


def _viewer(export: ExportRequest) -> Viewer:
    requester = export.requested_by
    label = export.requested_by_label
    return Viewer(
        kind=ViewerKind.OPERATOR,
        label=label,
        user_id=requester.pk,
        organisation_id=requester.organisation_id,
        purpose=audit_text(f"导出记录（{REASON_KINDS.get(export.reason_kind, '其他')}：{export.reason}）")[:300],
        basis=f"export:{export.pk}",
    )


def _generate(export: ExportRequest) -> None:
    """Read the records, write the XLSX, store it encrypted, log the look; called on approval
    (or at once for an organisations' export), inside the caller's transaction."""
    viewer = _viewer(export)
    rows = export_records(export, viewer=viewer, limit=MAX_ROWS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(
            f"所选范围内的记录已超过单次导出上限 {MAX_ROWS} 条，请缩小日期范围后重新申请", field="decided_to"
        )
    content = export_workbook(export, rows)
    path = f"{STORAGE_DIR}/{uuid.uuid4().hex}.xlsx.sm4"
    # Written before the transaction commits; a rolled-back step leaves an orphan that
    # `export_files_orphans_delete` removes once it is a day old (as for proof files).
    export.file_path = default_storage.save(path, ContentFile(sm4_gcm_encrypt(_key(), content, _aad(export))))
    export.file_sm3 = sm3_hex(content)
    export.row_count = len(rows)
    subjects = list({entry.record.subject_id: entry.record.subject for entry in rows}.values())
    export.subject_count = len(subjects)
    export.expires_at = timezone.now() + DOWNLOAD_WINDOW
    query_log_write_many(viewer=viewer, subjects=subjects, item_codes={entry.record.item_code for entry in rows})


def _key() -> bytes:
    key: bytes = settings.PUBCREDIT_SM4_KEY
    return key


def _aad(export: ExportRequest) -> bytes:
    return _AAD + str(export.pk).encode("ascii")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _inert(value: str) -> str:
    """Every text cell: nothing a spreadsheet would run (`=`, `+`, `-`, `@`, tab, CR first)."""
    return escape_for_spreadsheet(value)


def export_workbook(export: ExportRequest, rows: Sequence[Disclosed]) -> bytes:
    """The XLSX: a sheet of records and a sheet saying what the file is. ID numbers are masked
    (`610103********123X`), ID-number-shaped runs in record values too, and consent-only values
    are left out, unless full numbers were asked for and approved."""
    full = export.full_id_numbers_approved
    labels = FieldLabels()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("信用记录")
    sheet.append(list(_HEADERS))
    for n, entry in enumerate(rows, start=1):
        record = entry.record
        subject = record.subject
        if subject.kind == ExportSubjectKind.PERSON:
            if full and subject.id_number_cipher:
                identifier = decrypt_identifier(subject.id_number_cipher)
            else:
                identifier = subject.id_number_masked
        else:
            identifier = subject.uscc or ""
        # Consent-only values (收入、存款等, 西安 第十四条) only in an approved full export.
        shown = labels.fields(record, public=not full)
        values = "；".join(f"{field.label}：{_text(field.value)}" for field in shown)
        if not full:
            values = audit_text(values)
        sheet.append(
            [
                n,
                record.pk,
                _inert(subject.name),
                _inert(identifier),
                _inert(record.item_code),
                _inert(record.item.name),
                KIND_LABELS.get(record.kind, record.kind),
                CLASS_LABELS.get(record.info_class, record.info_class),
                TIERS.get(record.tier, "") if record.tier else "",
                record.decided_on,
                record.end_date,
                record.disclosure_ends_on,
                _inert(audit_text(record.source_ref) if not full else record.source_ref),
                _inert(record.provider.name),
                _inert(values),
            ]
        )
    about = book.create_sheet("说明")
    for key, value in (
        ("导出申请", str(export.pk)),
        ("范围", export.scope_label),
        ("事由", f"{REASON_KINDS.get(export.reason_kind, '其他')}：{export.reason}"),
        ("申请人", export.requested_by_label),
        ("审批人", export.decided_by_label or export.decision_note),
        ("生成时间", f"{timezone.localtime():%Y-%m-%d %H:%M}"),
        ("记录条数", str(len(rows))),
        ("身份证号码", "完整（经审批）" if full else "已脱敏"),
        ("使用限制", "仅限所述事由使用，不得向第三方提供（西安 第三十八条，大连 第十二条）"),
    ):
        about.append([key, _inert(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- download and expiry ------------------------------------------------------------------------


def export_download(*, actor: Actor, export: ExportRequest) -> tuple[bytes, str]:
    """The file for its requester, counted; refused before approval, after refusal, after the
    window or the last allowed download."""
    export_requests_expire()
    with transaction.atomic():
        locked = ExportRequest.objects.select_for_update().get(pk=export.pk)
        if not isinstance(actor, User) or locked.requested_by_id != actor.pk:
            raise PermissionDenied("只有申请人本人可以下载导出文件", field="export")
        if locked.state == ExportState.REQUESTED:
            raise ValidationFailed(f"导出申请 {locked.pk} 尚未审批，文件未生成", field="state")
        if locked.state == ExportState.REFUSED:
            raise ValidationFailed(f"导出申请 {locked.pk} 未获批准，没有可下载的文件", field="state")
        if locked.state == ExportState.EXPIRED:
            raise ValidationFailed(
                f"导出申请 {locked.pk} 的文件已失效（批准后 {_hours(DOWNLOAD_WINDOW)} 小时内可下载，"
                f"最多 {MAX_DOWNLOADS} 次），如仍需要请重新申请",
                field="state",
            )
        with default_storage.open(locked.file_path, "rb") as handle:
            content = sm4_gcm_decrypt(_key(), handle.read(), _aad(locked))
        if sm3_hex(content) != locked.file_sm3:
            raise ValidationFailed(f"导出申请 {locked.pk} 的文件校验失败，请重新申请", field="state")
        now = timezone.now()
        locked.downloads += 1
        locked.last_downloaded_at = now
        locked.state = ExportState.DOWNLOADED
        if locked.downloads >= MAX_DOWNLOADS:
            _expire(locked, now)
        locked.save()
        _audit(
            actor,
            "disclosure.export.download",
            locked,
            {"downloads": locked.downloads, "sm3": audit_digest(locked.file_sm3)},
        )
    return content, f"信用记录导出-{locked.pk}.xlsx"


def _hours(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def _expire(export: ExportRequest, now: dt.datetime) -> None:
    path = export.file_path
    export.state = ExportState.EXPIRED
    export.expired_at = now
    export.file_path = ""
    if path:
        transaction.on_commit(lambda: default_storage.delete(path))


def export_requests_expire(*, now: dt.datetime | None = None) -> int:
    """Expire live exports past their window and delete their files; one audit event per run
    that expires any. Idempotent (compare-and-swap on the state)."""
    moment = now or timezone.now()
    with transaction.atomic():
        due = list(
            ExportRequest.objects.select_for_update().filter(
                state__in=(ExportState.APPROVED, ExportState.DOWNLOADED), expires_at__lte=moment
            )
        )
        for export in due:
            _expire(export, moment)
            export.save(update_fields=["state", "expired_at", "file_path"])
        if due:
            audit_record(
                actor=None,
                action="disclosure.export.expire",
                data={"exports": [export.pk for export in due], "at": moment.isoformat()},
            )
    export_files_orphans_delete(now=moment)
    return len(due)


def export_files_orphans_delete(*, now: dt.datetime | None = None) -> int:
    """Delete stored export files that no live export points at and that are over a day old
    (left by a step that rolled back after writing its file)."""
    moment = now or timezone.now()
    try:
        _, names = default_storage.listdir(STORAGE_DIR)
    except FileNotFoundError:
        return 0
    live = set(ExportRequest.objects.exclude(file_path="").values_list("file_path", flat=True))
    deleted = 0
    for name in names:
        path = f"{STORAGE_DIR}/{name}"
        if path in live or default_storage.get_modified_time(path) > moment - ORPHAN_AGE:
            continue
        default_storage.delete(path)
        deleted += 1
    return deleted
