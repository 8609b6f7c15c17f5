"""Receiving a batch of records from a provider, by file or by API, whole or not at all.

The raw upload is kept first (whatever the outcome: it is the evidence of what was sent). The
rows are then checked and written in one transaction: subjects registered, records and their
first versions inserted in chunks. In strict mode any refused row rolls everything back and the
batch is stored as rejected with its full report; with `partial=True` the good rows land and the
report lists the others. A killed process leaves an open transaction that the database rolls
back, so the same file can simply be sent again. A batch reference (the provider's own, or the
content's digest when none is given) makes a re-send return the first outcome instead of
loading twice; rows whose source reference already exists are compared, and only a change
becomes a new version.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may, actor_user_and_label, audit_identity
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_items_by_code
from pubcredit.collection.ingest.plan import Candidate, RowPlan
from pubcredit.collection.models import Batch, BatchChannel, BatchStatus, RawUpload
from pubcredit.collection.parsers.cell_rows import CellRow, open_cells
from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.parsers.table import build_row, normalise_headers
from pubcredit.collection.raw_store import Stored, file_chunks, store_stream
from pubcredit.collection.services.reporting import reporting_duty_mark_reported
from pubcredit.core.audit import audit_digest, audit_record, audit_text
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.ops.faults import fault_point
from pubcredit.policy import get_policy
from pubcredit.records.permissions import require_may_submit
from pubcredit.records.rules import TIERS, add_months
from pubcredit.records.services import records_stream_open
from pubcredit.records.stream import RecordStream, StreamResult
from pubcredit.records.validation import RowProblem
from pubcredit.subjects.resolver import SubjectResolver, Wanted
from pubcredit.subjects.rules import person_meets_age_floor

STORED_PROBLEMS = 5000  # problems kept on the batch row; the count is always complete
API_MAX_ROWS = 10000  # rows per API request; larger loads go as files
SUBJECT_CHUNK = 5000
MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024


class _Rollback(Exception):
    """Raised inside the batch transaction to undo every write of a refused batch."""


@dataclass(frozen=True)
class Submission:
    """What arrived, independent of the channel."""

    provider: Any
    item_code: str
    ref: str
    channel: str
    partial: bool
    default_tier: str | None
    file_name: str


@dataclass(frozen=True)
class Submitted:
    """The batch's outcome; `replayed` when it is the earlier outcome of the same batch sent again."""

    batch: Batch
    replayed: bool = False


def submitting_provider(actor: Actor) -> Any:
    """The department a clerk or a provider's system submits for: its own organisation."""
    organisation = getattr(actor, "organisation", None)
    if organisation is None or not actor_may(actor, Role.PROVIDER, scope="collect"):
        raise PermissionDenied("只有信息提供单位的报送人员或系统可以报送信用记录")
    return organisation


def _check_tier(tier: str | None) -> None:
    if tier is not None and tier not in TIERS:
        raise ValidationFailed(
            f"失信等级“{tier}”无效，可选：{'、'.join(f'{k}（{v}）' for k, v in TIERS.items())}", field="tier"
        )


def _item(code: str, today: dt.date) -> CatalogItem:
    item = catalog_items_by_code(on=today).get(code)
    if item is None:
        raise ValidationFailed(f"目录项“{code}”不存在或在 {today.isoformat()} 未生效，不能据此归集", field="item_code")
    return item


def _keep_raw(stored: Stored, today: dt.date) -> RawUpload:
    policy = get_policy(on=today)
    months = policy.integer("collection.upload_retention_months") or 0  # non-nullable key
    param = policy.param("collection.upload_retention_months")
    retain_until = add_months(today, months)
    raw, created = RawUpload.objects.get_or_create(
        sm3=stored.sm3,
        defaults={
            "size": stored.size,
            "path": stored.relative_path,
            "retain_until": retain_until,
            "retention_basis": f"collection.upload_retention_months = {param.value}（{param.article}）",
        },
    )
    if not created and (raw.purged_at is not None or raw.retain_until < retain_until):
        # The same content received again: kept again, for the full period from today.
        RawUpload.objects.filter(pk=raw.pk).update(purged_at=None, retain_until=retain_until)
        raw.refresh_from_db()
    return raw


def _landed(provider: Any, ref: str) -> Batch | None:
    return Batch.objects.filter(provider=provider, ref=ref).exclude(status=BatchStatus.REJECTED).first()


def _check_ref(ref: str) -> str:
    ref = (ref or "").strip()
    if len(ref) > 64:
        raise ValidationFailed(f"批次号“{ref[:20]}…”超过 64 个字符", field="ref")
    return ref


def _problem_json(p: RowProblem) -> dict[str, Any]:
    value = p.value if isinstance(p.value, int | float | bool) or p.value is None else str(p.value)
    if isinstance(value, str):
        value = audit_text(value)  # a refused value is shown back, never an ID number
    return {"row": p.row, "field": p.field, "value": value, "message": p.message}


def _resolve_and_add(chunk: list[Candidate], *, resolver: SubjectResolver, stream: RecordStream) -> None:
    """Age floor on the decision date, subjects for the chunk, then the rows into the stream."""
    keep: list[Candidate] = []
    for c in chunk:
        if c.kind == "person" and c.birth_date is not None and c.decided_on is not None:
            decision = person_meets_age_floor(c.birth_date, c.decided_on, stream.ctx.policy(c.decided_on))
            if not decision.allowed:
                stream.refuse([RowProblem(c.row, "id_number", None, decision.message)])
                continue
        keep.append(c)
    subject_ids = resolver.resolve([Wanted(c.kind, c.name, c.uscc, c.id_number) for c in keep])
    for c, subject_id in zip(keep, subject_ids, strict=True):
        assert c.decided_on is not None
        stream.add(
            row=c.row,
            subject_id=subject_id,
            subject_kind=c.kind,
            source_ref=c.source_ref,
            decided_on=c.decided_on,
            end_date=c.end_date,
            tier=c.tier,
            values=c.values,
        )


def _run(
    *,
    actor: Actor,
    submission: Submission,
    item: CatalogItem,
    headers: list[str],
    rows: Iterator[CellRow],
    today: dt.date,
) -> tuple[int, StreamResult | None, list[RowProblem]]:
    """Check and write every row: (rows seen, what the stream did, every problem).

    A header that cannot be mapped stops before any row: no result, the column problems."""
    plan = RowPlan(item, headers, default_tier=submission.default_tier)
    if plan.column_problems:
        return 0, None, [RowProblem(1, p.column, None, p.message) for p in plan.column_problems]
    stream = records_stream_open(
        actor=actor,
        provider=submission.provider,
        item=item,
        batch_ref=submission.ref,
        partial=submission.partial,
        today=today,
    )
    resolver = SubjectResolver(
        actor=actor,
        on_date=today,
        policy=get_policy(on=today),
        context={"batch_ref": audit_text(submission.ref), "provider": submission.provider.pk},
    )
    seen = 0
    pending: list[Candidate] = []
    try:
        for number, cells, cell_problems in rows:
            seen += 1
            candidate, problems = plan.check(number, cells, cell_problems)
            if candidate is None:
                stream.refuse(problems)
                continue
            pending.append(candidate)
            if len(pending) >= SUBJECT_CHUNK:
                _resolve_and_add(pending, resolver=resolver, stream=stream)
                pending = []
    except FileRejected as exc:
        stream.refuse([RowProblem(exc.row, "file", None, exc.message)])
    if pending:
        _resolve_and_add(pending, resolver=resolver, stream=stream)
    result = stream.finish()
    return seen, result, result.problems


def _submit(
    *, actor: Actor, submission: Submission, content_sm3: str, raw: RawUpload | None, table: Any, received: Any
) -> Batch:
    started = time.monotonic()
    today = timezone.localdate()
    item = _item(submission.item_code, today)
    user, label = actor_user_and_label(actor)
    problems: list[RowProblem] = []
    seen = 0

    def store(status: str, **counts: int) -> Batch:
        """The batch row with its report; `problems` and `seen` are read when it is written."""
        return Batch.objects.create(
            provider=submission.provider,
            item=item,
            item_code=item.code,
            ref=submission.ref,
            channel=submission.channel,
            status=status,
            partial=submission.partial,
            file_name=submission.file_name,
            raw=raw,
            content_sm3=content_sm3,
            rows_total=seen,
            problems=[_problem_json(p) for p in problems[:STORED_PROBLEMS]],
            problems_count=len(problems),
            submitted_by=user,
            submitted_by_label=label,
            received_at=received,
            finished_at=timezone.now(),
            seconds=round(time.monotonic() - started, 3),
            **counts,
        )

    try:
        with transaction.atomic():
            headers, rows = table()
            seen, result, problems = _run(
                actor=actor, submission=submission, item=item, headers=headers, rows=rows, today=today
            )
            landed = result is not None and (result.created or result.updated or result.unchanged)
            if result is None or (problems and not (submission.partial and landed)):
                raise _Rollback
            rejected_rows = len(result.rejected_rows)
            batch = store(
                BatchStatus.PARTIAL if problems else BatchStatus.ACCEPTED,
                rows_created=result.created,
                rows_updated=result.updated,
                rows_unchanged=result.unchanged,
                rows_rejected=rejected_rows,
            )
            _audit(actor, "collection.batch.accept", batch, item, result.first_record, result.last_record)
            reporting_duty_mark_reported(provider=submission.provider, item_code=item.code, on=today)
            fault_point("batch.before_commit")
            return batch
    except FileRejected as exc:
        problems = [RowProblem(exc.row, "file", None, exc.message)]
    except _Rollback:
        pass
    with transaction.atomic():
        batch = store(BatchStatus.REJECTED, rows_rejected=len({p.row for p in problems if p.row is not None}))
        _audit(actor, "collection.batch.reject", batch, item, None, None)
    return batch


def _audit(actor: Actor, action: str, batch: Batch, item: CatalogItem, first: int | None, last: int | None) -> None:
    user, extra = audit_identity(actor)
    audit_record(
        actor=user,
        action=action,
        target=batch,
        data={
            "provider": batch.provider_id,
            "ref": audit_text(batch.ref),
            "item": item.code,
            "item_version": item.version,
            "channel": batch.channel,
            "content_sm3": audit_digest(batch.content_sm3),
            "rows": batch.rows_total,
            "created": batch.rows_created,
            "updated": batch.rows_updated,
            "unchanged": batch.rows_unchanged,
            "rejected_rows": batch.rows_rejected,
            "problems": batch.problems_count,
            "first_record": first,
            "last_record": last,
            **extra,
        },
    )


def _replay(provider: Any, ref: str, content_sm3: str) -> Batch | None:
    """The earlier outcome of a re-sent batch; a reference reused for other content is refused."""
    if not ref:
        return None
    earlier = _landed(provider, ref)
    if earlier is None:
        return None
    if earlier.content_sm3 != content_sm3:
        raise ValidationFailed(
            f"批次号“{ref}”已用于 {timezone.localtime(earlier.received_at):%Y-%m-%d %H:%M} 入库的另一批数据，"
            "内容不同，请使用新的批次号",
            field="ref",
        )
    return earlier


def batch_submit_file(
    *,
    actor: Actor,
    provider: Any,
    item_code: str,
    stream: BinaryIO,
    file_name: str,
    ref: str = "",
    partial: bool = False,
    default_tier: str | None = None,
) -> Submitted:
    """A provider's CSV/XLSX file (its own layout, the item's template or the 双公示 standard columns)."""
    require_may_submit(actor, provider)
    _check_tier(default_tier)
    received = timezone.now()
    ref = _check_ref(ref)
    try:
        stored = store_stream(file_chunks(stream), max_bytes=MAX_UPLOAD_BYTES)
    except ValueError:
        raise ValidationFailed(
            f"文件“{file_name}”超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，请拆分后上传", field="file"
        ) from None
    ref = ref or f"SM3-{stored.sm3[:24]}"
    earlier = _replay(provider, ref, stored.sm3)
    if earlier is not None:
        return Submitted(earlier, replayed=True)
    with transaction.atomic():
        raw = _keep_raw(stored, timezone.localdate())
    submission = Submission(provider, item_code, ref, BatchChannel.FILE, partial, default_tier, file_name[:255])

    def table() -> tuple[list[str], Iterator[CellRow]]:
        handle = stored.path.open("rb")
        try:
            cells = open_cells(file_name, handle)
        except BaseException:
            handle.close()
            raise

        def rows() -> Iterator[CellRow]:
            try:
                yield from cells.rows
            finally:
                handle.close()

        return cells.headers, rows()

    return Submitted(
        _submit(actor=actor, submission=submission, content_sm3=stored.sm3, raw=raw, table=table, received=received)
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def batch_submit_rows(
    *,
    actor: Actor,
    provider: Any,
    item_code: str,
    rows: Iterable[Mapping[str, Any]],
    ref: str,
    partial: bool = False,
    default_tier: str | None = None,
) -> Submitted:
    """Rows sent as JSON objects keyed by field name, Chinese label or alias (the API)."""
    require_may_submit(actor, provider)
    _check_tier(default_tier)
    received = timezone.now()
    ref = _check_ref(ref)
    rows = list(rows)
    if not rows:
        raise ValidationFailed("批次中没有任何记录", field="rows")
    if len(rows) > API_MAX_ROWS:
        raise ValidationFailed(
            f"一次接口报送最多 {API_MAX_ROWS} 条记录，本批 {len(rows)} 条，请拆分或改用文件上传", field="rows"
        )
    body = json.dumps({"item": item_code, "rows": rows}, ensure_ascii=False, sort_keys=True, default=str).encode()
    stored = store_stream([body])
    ref = ref or f"SM3-{stored.sm3[:24]}"
    earlier = _replay(provider, ref, stored.sm3)
    if earlier is not None:
        return Submitted(earlier, replayed=True)
    with transaction.atomic():
        raw = _keep_raw(stored, timezone.localdate())
    submission = Submission(provider, item_code, ref, BatchChannel.API, partial, default_tier, "")

    def table() -> tuple[list[str], Iterator[CellRow]]:
        seen: dict[str, None] = {}
        for row in rows:
            if not isinstance(row, Mapping):
                raise FileRejected("每条记录须为“字段: 值”的对象")
            for key in row:
                seen.setdefault(str(key), None)
        headers = normalise_headers(list(seen), 1)
        raw_keys = list(seen)

        def cell_rows() -> Iterator[CellRow]:
            for number, row in enumerate(rows, start=1):
                built = build_row(number, headers, [_cell(row.get(k)) for k in raw_keys])
                if built is None:
                    yield number, [""] * len(headers), ()
                else:
                    yield number, [built.values.get(h, "") for h in headers], built.problems

        return headers, cell_rows()

    return Submitted(
        _submit(actor=actor, submission=submission, content_sm3=stored.sm3, raw=raw, table=table, received=received)
    )
