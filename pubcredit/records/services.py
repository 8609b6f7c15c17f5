"""Writes of credit records: create, bulk create, correct, withdraw, annotate.

Every write is atomic, permission-checked (谁产生、谁上传、谁负责, 西安 第十六条) and audited;
corrections and withdrawals append a `RecordVersion`, never overwrite one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may, actor_user_and_label, audit_identity
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_items_by_code
from pubcredit.core.audit import audit_record, audit_text
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.records.bulk import batch_stamp, insert_first_versions, insert_records
from pubcredit.records.models import Annotation, AnnotationKind, Record, RecordStatus, RecordVersion
from pubcredit.records.permissions import CREDIT_CENTRE, require_may_submit, require_record_owner
from pubcredit.records.repair_carry import repairs_carry, withdrawn_repairs
from pubcredit.records.stream import RecordStream
from pubcredit.records.validation import RecordContext, RecordRejected, RowProblem, check_and_prepare

BULK_CHUNK = 2000
_LOOKUP_CHUNK = 5000


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


@dataclass(frozen=True)
class RecordInput:
    """One row for `records_bulk_create`; `row` is the row number in the provider's file."""

    subject: Any
    item_code: str
    source_ref: str
    decided_on: dt.date
    data: Mapping[str, Any] = field(default_factory=dict)
    end_date: dt.date | None = None
    tier: str | None = None
    self_declared: bool = False
    row: int | None = None
    reported_on: dt.date | None = None  # when loading history: the day it was originally reported


def _audit(actor: Actor, action: str, target: Record | None, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=target, data={**data, **extra})


def _require_provider(provider: Any, *, self_declared: bool) -> None:
    if not provider.active:
        raise PermissionDenied(f"单位“{provider}”已停用，不能报送信用记录")
    if not provider.is_provider and not self_declared and provider.kind != CREDIT_CENTRE:
        raise PermissionDenied(f"单位“{provider}”不是信息提供单位，不能报送信用记录")


def _existing_refs(provider_id: int, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Active records of the provider already holding these (item code, source ref) pairs."""
    found: dict[tuple[str, str], int] = {}
    refs = sorted({ref for _, ref in keys})
    for start in range(0, len(refs), _LOOKUP_CHUNK):
        chunk = refs[start : start + _LOOKUP_CHUNK]
        rows = (
            Record.objects.filter(provider_id=provider_id, source_ref__in=chunk)
            .exclude(status=RecordStatus.WITHDRAWN)
            .order_by()
            .values_list("item_code", "source_ref", "pk")
        )
        for code, ref, pk in rows:
            if (code, ref) in keys:
                found[(code, ref)] = pk
    return found


def _duplicate_problem(row: int | None, ref: str, where: str) -> RowProblem:
    return RowProblem(row, "source_ref", ref, f"来源文号“{ref}”{where}，同一单位同一目录项的文号不能重复，请更正原记录")


def _new_record(
    ctx: RecordContext,
    *,
    row: int | None,
    provider: Any,
    subject: Any,
    item: CatalogItem,
    source_ref: str,
    decided_on: dt.date,
    end_date: dt.date | None,
    tier: str | None,
    data: Mapping[str, Any],
    batch_ref: str,
    self_declared: bool,
    later_basis: bool = False,
    reported_on: dt.date | None = None,
) -> tuple[Record | None, list[RowProblem]]:
    if item.status != CatalogItem.Status.published or not item.is_valid_on(ctx.today):
        return None, [
            RowProblem(
                row,
                "item",
                item.code,
                f"目录项“{item.name}”（{item.code}）第{item.version}版在 {ctx.today.isoformat()} 未生效，不能据此归集",
            )
        ]
    if reported_on is not None and isinstance(decided_on, dt.date) and not (decided_on <= reported_on <= ctx.today):
        return None, [
            RowProblem(
                row,
                "reported_on",
                reported_on,
                f"报送日期 {reported_on.isoformat()} 须在决定日期 {decided_on.isoformat()} 与今天之间",
            )
        ]
    prepared, problems = check_and_prepare(
        ctx,
        row=row,
        item=item,
        subject_kind=subject.kind,
        source_ref=source_ref,
        decided_on=decided_on,
        end_date=end_date,
        tier=tier,
        data=data,
    )
    if prepared is None:
        return None, problems
    record = Record(
        subject_id=subject.pk,
        subject_kind=subject.kind,
        item=item,
        item_code=item.code,
        provider_id=provider.pk,
        batch_ref=batch_ref,
        source_ref=source_ref,
        info_class=item.info_class,
        kind=item.kind,
        tier=tier,
        decided_on=decided_on,
        end_date=end_date,
        data=prepared.values,
        status=RecordStatus.ACTIVE,
        version=1,
        self_declared=self_declared,
        disclosure_ends_on=prepared.period.ends_on,
        retention_ends_on=prepared.period.retention_ends_on,
        basis_id=ctx.basis_id(prepared.basis, later=later_basis),
        reported_on=reported_on or ctx.today,
        report_due_on=prepared.report_due_on,
        report_due_provisional=prepared.report_due_provisional,
    )
    return record, []


def _version_of(record: Record, *, user: Any, label: str, reason: str) -> RecordVersion:
    return RecordVersion(
        record=record,
        version=record.version,
        status=record.status,
        data=record.data,
        decided_on=record.decided_on,
        end_date=record.end_date,
        tier=record.tier,
        disclosure_ends_on=record.disclosure_ends_on,
        changed_by=user,
        changed_by_label=label,
        reason=reason,
    )


@transaction.atomic
def record_create(
    *,
    actor: Actor,
    provider: Any,
    subject: Any,
    item: CatalogItem,
    source_ref: str,
    decided_on: dt.date,
    end_date: dt.date | None = None,
    tier: str | None = None,
    data: Mapping[str, Any],
    batch_ref: str = "",
    self_declared: bool = False,
) -> Record:
    """Store one record under the catalogue version in force today, with its version 1."""
    require_may_submit(actor, provider, self_declared=self_declared)
    _require_provider(provider, self_declared=self_declared)
    item.refresh_from_db(fields=["status", "valid_from", "valid_to"])
    ctx = RecordContext(timezone.localdate())
    record, problems = _new_record(
        ctx,
        row=None,
        provider=provider,
        subject=subject,
        item=item,
        source_ref=source_ref,
        decided_on=decided_on,
        end_date=end_date,
        tier=tier,
        data=data,
        batch_ref=batch_ref,
        self_declared=self_declared,
    )
    if record is None:
        raise RecordRejected(problems)
    if source_ref:
        existing = _existing_refs(provider.pk, {(item.code, source_ref)})
        if existing:
            raise RecordRejected(
                [_duplicate_problem(None, source_ref, f"已存在（记录 {next(iter(existing.values()))}）")]
            )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise RecordRejected([_duplicate_problem(None, source_ref, "已存在")]) from None
    user, label = actor_user_and_label(actor)
    _version_of(record, user=user, label=label, reason="归集").save()
    if source_ref:
        repairs_carry(
            withdrawn_repairs(provider.pk, [item.code]), [(record.pk, item.code, source_ref)], batch_ref=batch_ref
        )
    _audit(
        actor,
        "records.record.create",
        record,
        {
            "item": item.code,
            "item_version": item.version,
            "provider": provider.pk,
            "source_ref": audit_text(source_ref),
        },
    )
    return record


@transaction.atomic
def records_bulk_create(
    *,
    actor: Actor,
    provider: Any,
    rows: Iterable[RecordInput],
    batch_ref: str,
    chunk_size: int = BULK_CHUNK,
) -> int:
    """Store a whole batch or nothing; a refusal lists every bad row with field and reason.

    Items, policies, field sets and deadlines are read once per batch, not per row.
    """
    require_may_submit(actor, provider)
    ctx = RecordContext(timezone.localdate())
    items = catalog_items_by_code(on=ctx.today)
    records: list[Record] = []
    row_numbers: list[int] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[str, str], int] = {}
    provider_checked = False
    for index, row in enumerate(rows, start=1):
        number = row.row if row.row is not None else index
        if not provider_checked:
            _require_provider(provider, self_declared=row.self_declared)
            provider_checked = True
        item = items.get(row.item_code)
        if item is None:
            problems.append(
                RowProblem(
                    number,
                    "item_code",
                    row.item_code,
                    f"目录项“{row.item_code}”不存在或在 {ctx.today.isoformat()} 未生效",
                )
            )
            continue
        if row.source_ref:
            key = (item.code, row.source_ref)
            if key in seen:
                problems.append(_duplicate_problem(number, row.source_ref, f"与第 {seen[key]} 行重复"))
                continue
            seen[key] = number
        record, row_problems = _new_record(
            ctx,
            row=number,
            provider=provider,
            subject=row.subject,
            item=item,
            source_ref=row.source_ref,
            decided_on=row.decided_on,
            end_date=row.end_date,
            tier=row.tier,
            data=row.data,
            batch_ref=batch_ref,
            self_declared=row.self_declared,
            later_basis=True,
            reported_on=row.reported_on,
        )
        problems.extend(row_problems)
        if record is not None:
            records.append(record)
            row_numbers.append(number)
    if seen:
        existing = _existing_refs(provider.pk, set(seen))
        for key, pk in sorted(existing.items(), key=lambda kv: seen[kv[0]]):
            problems.append(_duplicate_problem(seen[key], key[1], f"已存在（记录 {pk}）"))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise RecordRejected(problems)
    if not records:
        return 0
    ctx.store_pending_bases()
    for record in records:
        record.basis_id = ctx.resolved_basis(record.basis_id)
    stamp = batch_stamp()
    try:
        with transaction.atomic():
            insert_records(records, now=stamp, chunk_size=chunk_size)
    except IntegrityError:
        raise RecordRejected(
            [RowProblem(None, "source_ref", "", "批次中的来源文号与其他同时提交的记录冲突，请重新提交")]
        ) from None
    user, label = actor_user_and_label(actor)
    insert_first_versions(
        provider_id=provider.pk,
        batch_ref=batch_ref,
        created_at=stamp,
        user_id=user.pk if user is not None else None,
        label=label,
        reason="归集",
    )
    inserted = Record.objects.filter(provider_id=provider.pk, batch_ref=batch_ref, created_at=stamp).aggregate(
        first=Min("pk"), last=Max("pk")
    )
    repaired = withdrawn_repairs(provider.pk, {record.item_code for record in records})
    if repaired:
        new = Record.objects.filter(
            provider_id=provider.pk, batch_ref=batch_ref, created_at=stamp, source_ref__in={ref for _, ref in repaired}
        ).values_list("pk", "item_code", "source_ref")
        repairs_carry(repaired, new, batch_ref=batch_ref)
    counts: dict[str, int] = {}
    for record in records:
        counts[record.item_code] = counts.get(record.item_code, 0) + 1
    _audit(
        actor,
        "records.batch.create",
        None,
        {
            "provider": provider.pk,
            "batch_ref": audit_text(batch_ref),
            "count": len(records),
            "items": counts,
            "first_record": inserted["first"],
            "last_record": inserted["last"],
        },
    )
    return len(records)


@transaction.atomic
def record_correct(
    *,
    actor: Actor,
    record: Record,
    reason: str,
    data: Mapping[str, Any] | _Unset = UNSET,
    decided_on: dt.date | _Unset = UNSET,
    end_date: dt.date | _Unset | None = UNSET,
    tier: str | _Unset | None = UNSET,
    source_ref: str | _Unset = UNSET,
    values_checked: bool = False,
    platform_error: str = "",
) -> Record:
    """Write the next version with the corrected values (a full `data` row) and a new period.

    The record stays on the catalogue version it was collected under. `values_checked` says that
    `data` has already been through the item's field parsing (a re-sent batch row), so it is not
    parsed twice (ID numbers in it are already masked). `platform_error` names the objection in
    which the credit centre found the error on its side (see `require_record_owner`).
    """
    record = Record.objects.select_for_update().select_related("item", "provider").get(pk=record.pk)
    require_record_owner(actor, record, doing="更正", platform_error=platform_error)
    if not reason or not reason.strip():
        raise ValidationFailed("更正信用记录须说明原因", field="reason")
    if record.status != RecordStatus.ACTIVE:
        raise ValidationFailed(
            f"记录 {record.pk} 的状态为“{record.get_status_display()}”，只有有效记录可以更正", field="status"
        )
    new_data = record.data if isinstance(data, _Unset) else data
    new_decided = record.decided_on if isinstance(decided_on, _Unset) else decided_on
    new_end = record.end_date if isinstance(end_date, _Unset) else end_date
    new_tier = record.tier if isinstance(tier, _Unset) else tier
    new_ref = record.source_ref if isinstance(source_ref, _Unset) else source_ref
    ctx = RecordContext(timezone.localdate())
    prepared, problems = check_and_prepare(
        ctx,
        row=None,
        item=record.item,
        subject_kind=record.subject_kind,
        source_ref=new_ref,
        decided_on=new_decided,
        end_date=new_end,
        tier=new_tier,
        data=new_data,
        data_checked=values_checked,
    )
    if prepared is None:
        raise RecordRejected(problems)
    if new_ref and new_ref != record.source_ref:
        existing = _existing_refs(record.provider_id, {(record.item_code, new_ref)})
        if existing:
            raise RecordRejected([_duplicate_problem(None, new_ref, f"已存在（记录 {next(iter(existing.values()))}）")])
    changed = sorted(
        name
        for name, before, after in [
            ("data", record.data, prepared.values),
            ("decided_on", record.decided_on, new_decided),
            ("end_date", record.end_date, new_end),
            ("tier", record.tier, new_tier),
            ("source_ref", record.source_ref, new_ref),
        ]
        if before != after
    )
    if not changed:
        raise ValidationFailed(f"记录 {record.pk} 的更正没有任何改动", field="data")
    record.data = prepared.values
    record.decided_on = new_decided
    record.end_date = new_end
    record.tier = new_tier
    record.source_ref = new_ref
    record.disclosure_ends_on = prepared.period.ends_on
    record.retention_ends_on = prepared.period.retention_ends_on
    record.basis_id = ctx.basis_id(prepared.basis)
    record.report_due_on = prepared.report_due_on
    record.report_due_provisional = prepared.report_due_provisional
    record.version += 1
    record.save()
    user, label = actor_user_and_label(actor)
    _version_of(record, user=user, label=label, reason=reason.strip()).save()
    extra = {"platform_error": platform_error} if platform_error else {}
    _audit(actor, "records.record.correct", record, {"version": record.version, "changed": changed, **extra})
    return record


@transaction.atomic
def record_withdraw(*, actor: Actor, record: Record, reason: str, platform_error: str = "") -> Record:
    """The provider takes its record back; the record and its versions are kept.

    `platform_error`: the credit centre withdraws a record that an objection found wrong on its side.
    """
    record = Record.objects.select_for_update().select_related("provider").get(pk=record.pk)
    require_record_owner(actor, record, doing="撤回", platform_error=platform_error)
    if not reason or not reason.strip():
        raise ValidationFailed("撤回信用记录须说明原因", field="reason")
    if record.status != RecordStatus.ACTIVE:
        raise ValidationFailed(
            f"记录 {record.pk} 的状态为“{record.get_status_display()}”，只有有效记录可以撤回", field="status"
        )
    record.status = RecordStatus.WITHDRAWN
    record.version += 1
    record.save(update_fields=["status", "version", "updated_at"])
    user, label = actor_user_and_label(actor)
    _version_of(record, user=user, label=label, reason=reason.strip()).save()
    extra = {"platform_error": platform_error} if platform_error else {}
    _audit(actor, "records.record.withdraw", record, {"version": record.version, **extra})
    return record


@transaction.atomic
def record_annotate(*, actor: Actor, record: Record, kind: str, text: str, article: str = "") -> Annotation:
    """Attach a note shown with the record (标注); by the provider or the credit centre."""
    owner = actor_may(actor, Role.PROVIDER, scope="collect") and getattr(actor, "organisation_id", None) == (
        record.provider_id
    )
    if not owner and not actor_may(actor, Role.OPERATOR):
        raise PermissionDenied(f"“{actor or '匿名用户'}”既不是该记录的信息提供单位，也不是信用中心，不能标注该记录")
    if kind not in AnnotationKind.values:
        raise ValidationFailed(f"标注类型“{kind}”无效，可选：{'、'.join(AnnotationKind.values)}", field="kind")
    if not text or not text.strip():
        raise ValidationFailed("标注内容不能为空", field="text")
    user, label = actor_user_and_label(actor)
    annotation = Annotation.objects.create(
        record=record,
        kind=kind,
        text=text.strip(),
        article=article,
        created_by=user,
        created_by_label=label,
    )
    _audit(actor, "records.record.annotate", record, {"annotation": annotation.pk, "kind": kind})
    return annotation


_HOLD_KINDS = {AnnotationKind.OBJECTION, AnnotationKind.REPAIR, AnnotationKind.OVERDUE, AnnotationKind.STATEMENT}


@transaction.atomic
def record_hold_place(*, actor: Actor, record: Record, kind: str, text: str, article: str, workflow: str) -> Annotation:
    """Put an objection, repair, provider-overdue or statement annotation on a record for a workflow.

    Called by the objection and repair services only, after they have checked in their own
    workflow that the actor may take the step (a subject filing an objection on its own record
    may not annotate records directly). The audit event names the actor and the workflow case.
    """
    if kind not in _HOLD_KINDS:
        raise ValidationFailed(f"标注类型“{kind}”不能由业务流程添加", field="kind")
    if not text.strip():
        raise ValidationFailed("标注内容不能为空", field="text")
    user, label = actor_user_and_label(actor)
    annotation = Annotation.objects.create(
        record=record, kind=kind, text=text.strip(), article=article, created_by=user, created_by_label=label
    )
    _audit(actor, "records.hold.place", record, {"annotation": annotation.pk, "kind": kind, "workflow": workflow})
    return annotation


@transaction.atomic
def record_hold_lift(*, actor: Actor, annotation: Annotation, reason: str, workflow: str) -> Annotation:
    """End a hold placed by `record_hold_place` (the row is kept, inactive); idempotent."""
    if not reason.strip():
        raise ValidationFailed("撤销标注须说明原因", field="reason")
    locked = Annotation.objects.select_for_update().select_related("record").get(pk=annotation.pk)
    if locked.active:
        locked.active = False
        locked.save(update_fields=["active"])
        _audit(
            actor,
            "records.hold.lift",
            locked.record,
            {"annotation": locked.pk, "kind": locked.kind, "reason": reason.strip(), "workflow": workflow},
        )
    return locked


def records_stream_open(
    *, actor: Actor, provider: Any, item: CatalogItem, batch_ref: str, partial: bool, today: dt.date | None = None
) -> RecordStream:
    """A writer for one large batch of one item, used inside the caller's transaction.

    Permission is checked once here (谁产生、谁上传、谁负责); the caller audits the batch as a whole.
    """
    require_may_submit(actor, provider)
    _require_provider(provider, self_declared=False)
    user, label = actor_user_and_label(actor)

    def correct(**kwargs: Any) -> Record:
        return record_correct(values_checked=True, **kwargs)

    return RecordStream(
        actor=actor,
        provider=provider,
        item=item,
        batch_ref=batch_ref,
        partial=partial,
        ctx=RecordContext(today or timezone.localdate()),
        user_id=user.pk if user is not None else None,
        label=label,
        correct=correct,
    )
