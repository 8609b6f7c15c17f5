"""Writes of the lists: enter a subject, end an entry, void a wrong listing, and the term sweep.

A provider department enters a subject with its decision document and the records the decision
rests on; a sanctioning decision carries the repair notice (两书同达). An entry ends at the end of
its term (the sweep), on repair, on a successful objection, or when the department withdraws its
decision, and every exit records its reason (韶山 第十三条, 元宝山方案 五（五）). A wrong listing is
voided and everyone who acted on it is told (韶山 第十五条, 元宝山方案 五（八）).

Every write is atomic, permission-checked, allowed by `lists.workflow` and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_label, actor_may, actor_user_and_label, audit_identity
from pubcredit.accounts.models import User
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.proof_files import UploadedProof, proof_file_store, proof_files_orphans_delete, proof_files_read
from pubcredit.core.roles import Role
from pubcredit.core.text_input import clean_text
from pubcredit.lists.models import EntryState, ExitReason, ListEntry, ListType
from pubcredit.lists.rules import MANUAL_EXITS, needs_repair_notice, term_end
from pubcredit.lists.selectors import entries_with_basis_record, user_lists_for
from pubcredit.lists.signals import entry_entered, entry_left
from pubcredit.lists.workflow import require_entry_transition
from pubcredit.notices.services import notices_send
from pubcredit.records.models import AnnotationKind, Record, RecordStatus
from pubcredit.subjects.models import Subject

# Platform limits, not regulation: a decision document is a few pages; texts are short.
MAX_DECISION_BYTES = 10 * 1024 * 1024
MAX_BASIS_RECORDS = 50
STORAGE_DIR = "lists"
TOPIC = "list"


def _audit(actor: Actor, action: str, entry: ListEntry, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(
        actor=user,
        action=action,
        target=entry,
        data={"number": entry.number, "subject": entry.subject_id, "list_type": entry.list_type.code, **data, **extra},
    )


def _basis(records: Sequence[Record], *, subject: Subject, department_id: int) -> list[Record]:
    if len(records) > MAX_BASIS_RECORDS:
        raise ValidationFailed(f"依据的信用记录最多 {MAX_BASIS_RECORDS} 条，收到 {len(records)} 条", field="records")
    for record in records:
        if record.subject_id != subject.pk:
            raise ValidationFailed(f"信用记录 {record.pk} 不属于主体“{subject.name}”", field="records")
        if record.status != RecordStatus.ACTIVE:
            raise ValidationFailed(
                f"信用记录 {record.pk} 的状态为“{RecordStatus(record.status).label}”，不能作为列入依据", field="records"
            )
        if record.provider_id != department_id:
            raise ValidationFailed(
                f"信用记录 {record.pk} 不是本部门提供的记录（谁主管、谁提供、谁负责，韶山 第十三条）", field="records"
            )
    return list(records)


@transaction.atomic
def list_entry_create(
    *,
    actor: Actor,
    list_type: ListType,
    subject: Subject,
    decision_number: str,
    reason: str,
    decided_on: dt.date,
    starts_on: dt.date | None = None,
    repair_notice: str = "",
    records: Sequence[Record] = (),
    decision_file: UploadedProof | None = None,
) -> ListEntry:
    """A department enters a subject on one of its lists (谁主管、谁提供、谁负责, 韶山 第十三条)."""
    department_id = user_lists_for(actor)
    if department_id is None:
        raise PermissionDenied(f"“{actor_label(actor)}”不是信息提供单位的工作人员，不能认定名单")
    if not list_type.active:
        raise ValidationFailed(f"名单类型“{list_type.name}”已停用", field="list_type")
    if list_type.issuing_department_id not in (None, department_id):
        raise PermissionDenied(
            f"“{list_type.name}”由{list_type.issuing_department}认定，本部门不能列入", field="list_type"
        )
    today = timezone.localdate()
    if decided_on > today:
        raise ValidationFailed(f"认定日期 {decided_on.isoformat()} 晚于今天", field="decided_on")
    start = starts_on or decided_on
    if start < decided_on:
        raise ValidationFailed(f"列入日期 {start.isoformat()} 早于认定日期 {decided_on.isoformat()}", field="starts_on")
    number = clean_text(decision_number, field="decision_number", label="认定决定书文号")[:200]
    notice = clean_text(repair_notice, field="repair_notice", label="信用修复告知书", required=False)
    if needs_repair_notice(list_type.kind) and not notice:
        raise ValidationFailed(
            "列入失信名单须同时送达信用修复告知书（两书同达），请填写告知书内容", field="repair_notice"
        )
    basis = _basis(records, subject=subject, department_id=department_id)
    ends_on = term_end(start, list_type.term_months)
    if ends_on is not None and ends_on < today:
        raise ValidationFailed(
            f"按有效期 {list_type.term_months} 个月，该条目已于 {ends_on.isoformat()} 届满", field="starts_on"
        )
    if ListEntry.objects.filter(
        list_type=list_type, subject=subject, state=EntryState.IN_FORCE, decision_number=number
    ).exists():
        raise ValidationFailed(f"主体已按决定书 {number} 列入“{list_type.name}”，不能重复列入", field="decision_number")
    stored_path, stored_name = "", ""
    if decision_file is not None:
        (proof,) = proof_files_read([decision_file], field="decision_file", max_files=1, max_bytes=MAX_DECISION_BYTES)
        stored_path, stored_name = proof_file_store(proof, STORAGE_DIR), proof.file_name
    user, label = actor_user_and_label(actor)
    entry = ListEntry.objects.create(
        list_type=list_type,
        kind=list_type.kind,
        subject=subject,
        department_id=department_id,
        decision_number=number,
        decision_file=stored_path,
        decision_file_name=stored_name,
        reason=clean_text(reason, field="reason", label="列入事由"),
        repair_notice=notice,
        decided_on=decided_on,
        starts_on=start,
        ends_on=ends_on,
        created_by=user,
        created_by_label=label,
    )
    entry.number = f"MD{today:%Y}{entry.pk:06d}"
    entry.save(update_fields=["number"])
    entry.basis_records.set(basis)
    _audit(actor, "lists.entry.create", entry, {"records": [r.pk for r in basis], "ends_on": str(ends_on or "")})
    notice = f"信用修复告知：{entry.repair_notice}" if entry.repair_notice else ""
    _tell_subject(
        entry,
        f"您已被列入“{list_type.name}”",
        f"{entry.department.name}依据{entry.decision_number}将您列入“{list_type.name}”（{entry.number}）。{notice}",
    )
    entry_entered.send(sender=ListEntry, entry=entry)
    return entry


def _locked(entry: ListEntry) -> ListEntry:
    return ListEntry.objects.select_for_update(of=("self",)).select_related("list_type", "subject").get(pk=entry.pk)


def _require_may_end(actor: Actor, entry: ListEntry, what: str) -> None:
    """The issuing department, or the credit centre and the authority (auditors only read)."""
    if isinstance(actor, User) and actor.is_active and actor_may(actor, Role.OPERATOR, Role.AUTHORITY):
        return
    if user_lists_for(actor) == entry.department_id:
        return
    raise PermissionDenied(f"“{actor_label(actor)}”不是认定部门或信用中心的工作人员，不能{what}名单条目 {entry.number}")


def _end(entry: ListEntry, *, target: str, reason: str, on: dt.date, note: str, reference: str) -> ListEntry:
    require_entry_transition(number=entry.number or str(entry.pk), current=entry.state, target=target)
    entry.state = target
    entry.exit_reason = reason
    entry.exited_on = on
    entry.exit_note = note
    entry.exit_reference = reference[:60]
    entry.save(update_fields=["state", "exit_reason", "exited_on", "exit_note", "exit_reference", "updated_at"])
    return entry


@transaction.atomic
def list_entry_exit(
    *, actor: Actor, entry: ListEntry, reason: ExitReason | str, note: str, reference: str = ""
) -> ListEntry:
    """The department (or the centre) ends an entry before its term: repair, objection, withdrawal."""
    entry = _locked(entry)
    _require_may_end(actor, entry, "移出")
    if reason not in MANUAL_EXITS:
        allowed = "、".join(ExitReason(r).label for r in sorted(MANUAL_EXITS))
        raise ValidationFailed(f"移出原因“{reason}”无效，可选：{allowed}", field="reason")
    text = clean_text(note, field="note", label="移出说明")
    _end(entry, target=EntryState.ENDED, reason=reason, on=timezone.localdate(), note=text, reference=reference)
    _audit(actor, "lists.entry.exit", entry, {"reason": str(reason), "reference": reference})
    _tell_subject(entry, f"您已被移出“{entry.list_type.name}”", f"移出原因：{ExitReason(reason).label}。{text}")
    entry_left.send(sender=ListEntry, entry=entry, reason=str(reason))
    return entry


@transaction.atomic
def list_entry_void(*, actor: Actor, entry: ListEntry, note: str) -> ListEntry:
    """A wrong listing is voided; the measures app then tells everyone who acted on it, so the
    subject's reputation is restored (韶山 第十五条, 元宝山方案 五（八）)."""
    entry = _locked(entry)
    _require_may_end(actor, entry, "撤销")
    text = clean_text(note, field="note", label="错误列入的说明")
    _end(
        entry,
        target=EntryState.VOID,
        reason=ExitReason.WRONG_LISTING,
        on=entry.exited_on or timezone.localdate(),
        note=text,
        reference=entry.exit_reference,
    )
    _audit(actor, "lists.entry.void", entry, {})
    _tell_subject(
        entry,
        f"“{entry.list_type.name}”列入决定已撤销",
        f"经核实，名单条目 {entry.number} 系错误列入，已撤销并通知据此采取措施的部门恢复您的信誉。{text}",
    )
    entry_left.send(sender=ListEntry, entry=entry, reason=ExitReason.WRONG_LISTING)
    return entry


def entries_exit_for_records(*, actor: Actor, records: Sequence[Record], reason: ExitReason, reference: str) -> int:
    """Entries resting on these records end with them: all their basis records repaired, or one
    found wrong on objection (元宝山方案 五（七）、五（八）). Called inside the caller's transaction."""
    ended = 0
    for entry in entries_with_basis_record([r.pk for r in records]).select_for_update(of=("self",)):
        if reason == ExitReason.REPAIR and _unrepaired_basis(entry, exclude={r.pk for r in records}):
            continue
        note = f"依据的信用记录已{ExitReason(reason).label}（{reference}）"
        _end(entry, target=EntryState.ENDED, reason=reason, on=timezone.localdate(), note=note, reference=reference)
        _audit(actor, "lists.entry.exit", entry, {"reason": str(reason), "reference": reference, "automatic": True})
        _tell_subject(entry, f"您已被移出“{entry.list_type.name}”", note)
        entry_left.send(sender=ListEntry, entry=entry, reason=str(reason))
        ended += 1
    return ended


def _unrepaired_basis(entry: ListEntry, *, exclude: set[int]) -> bool:
    remaining = entry.basis_records.exclude(pk__in=exclude).filter(status=RecordStatus.ACTIVE)
    return remaining.exclude(annotations__kind=AnnotationKind.REPAIR, annotations__active=True).exists()


def list_entries_sweep(*, on: dt.date | None = None) -> int:
    """End every entry whose term ended before `on` (compare-and-swap on the state, by the partial
    index on ends_on): a second run the same day finds nothing to do."""
    day = on or timezone.localdate()
    ended = 0
    while True:
        with transaction.atomic():
            due = list(
                ListEntry.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("list_type", "subject")
                .filter(state=EntryState.IN_FORCE, ends_on__lt=day)
                .order_by("ends_on", "pk")[:500]
            )
            if not due:
                break
            for entry in due:
                _end(
                    entry,
                    target=EntryState.ENDED,
                    reason=ExitReason.TERM_END,
                    on=entry.ends_on + dt.timedelta(days=1) if entry.ends_on else day,
                    note=f"有效期至 {entry.ends_on}，期限届满自动移出",
                    reference="",
                )
                entry_left.send(sender=ListEntry, entry=entry, reason=ExitReason.TERM_END)
            audit_record(
                actor=None, action="lists.sweep", data={"on": day.isoformat(), "ended": [e.number for e in due]}
            )
            ended += len(due)
    return ended


def _tell_subject(entry: ListEntry, title: str, body: str) -> None:
    accounts = list(entry.subject.accounts.filter(is_active=True))
    if accounts:
        notices_send(
            recipients=accounts, topic=TOPIC, title=title, body=body, link=reverse("lists:detail", args=[entry.pk])
        )


def decision_files_orphans_purge(*, now: dt.datetime | None = None) -> int:
    """Delete decision files no entry refers to, once a day old: a file is stored before the
    entry's transaction commits, so a refused or rolled-back entry can leave one behind."""
    known = set(ListEntry.objects.exclude(decision_file="").values_list("decision_file", flat=True))
    purged, _ = proof_files_orphans_delete(STORAGE_DIR, known, now=now or timezone.now())
    if purged:
        with transaction.atomic():
            audit_record(actor=None, action="lists.orphan_decisions.purge", data={"purged": purged})
    return purged
