"""Writes of batch screening: submit a list, process a job (the worker), mark and unmark false
matches. Every write is permission-checked and audited.

A list of up to INLINE_ROWS rows is screened inside the request that uploads it; a longer one is
queued and processed by `pubcredit screening work`. Processing is chunked: each chunk's results
are committed with the job's progress, and rows already stored (unique per job and row number)
are skipped, so a worker killed half-way and run again finishes the job without duplicates. The
screening date is fixed when a job first starts, so a resumed job gives the same answers. The
uploaded file (which may hold ID numbers) is kept SM4-GCM encrypted and deleted from the job once
it is done.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_label, actor_user_and_label, audit_identity
from pubcredit.collection.parsers import FileRejected
from pubcredit.core.audit import audit_record, audit_text
from pubcredit.core.crypto import DecryptionError, sm3_hex, sm4_gcm_decrypt, sm4_gcm_encrypt
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.screening.index import current_index
from pubcredit.screening.matching import PhaseTimes, RowResult, screen_in_chunks
from pubcredit.screening.models import FalseMatch, JobState, Outcome, ScreeningJob, ScreeningRow
from pubcredit.screening.reader import read_rows
from pubcredit.screening.selectors import _organisation_of, screening_row_get, user_may_mark, user_may_screen
from pubcredit.screening.standing import BUSINESS_TYPE_CHOICES
from pubcredit.subjects.models import Subject

logger = logging.getLogger(__name__)

# Rows screened inside the upload request. Measured with bench/screen.py on 1,000,000 subjects
# (docs/decisions/0003-screening-index.md): 2,000 names take about 0.9 s for candidates and
# scoring, 0.5 s to refresh the index and about 2 s for the status lookup on a cold cache, which
# a clerk waits for; more would hold a web worker too long, so longer lists are queued.
INLINE_ROWS = 2000
CHUNK_ROWS = 1000
LEASE = dt.timedelta(minutes=10)


_FILE_AAD = b"pubcredit:screening-file"


def seal_file(content: bytes) -> bytes:
    """An uploaded list may hold ID numbers: it is kept SM4-GCM encrypted until processed."""
    return sm4_gcm_encrypt(settings.PUBCREDIT_SM4_KEY, content, _FILE_AAD)


def open_file(blob: bytes) -> bytes:
    return sm4_gcm_decrypt(settings.PUBCREDIT_SM4_KEY, blob, _FILE_AAD)


def _audit(actor: Actor, action: str, target: ScreeningJob | FalseMatch, data: dict[str, object]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=target, data={**data, **extra})


def _business_type(value: str | None) -> str:
    """A business type by its code or its Chinese label; empty for none."""
    text = (value or "").strip()
    if not text:
        return ""
    for code, label in BUSINESS_TYPE_CHOICES:
        if text in (code, label):
            return code
    choices = "、".join(f"{label}（{code}）" for code, label in BUSINESS_TYPE_CHOICES)
    raise ValidationFailed(f"业务类型“{text[:20]}”无效，可选：{choices}", field="business_type")


def screening_submit(*, actor: Actor, file_name: str, content: bytes, business_type: str | None = None) -> ScreeningJob:
    """Check the file and create the job; a short list is screened at once, a long one queued."""
    if not user_may_screen(actor):
        raise PermissionDenied(f"“{actor_label(actor)}”不是信息使用单位或信用中心的账号，不能提交批量筛查")
    organisation_id = _organisation_of(actor)
    assert organisation_id is not None  # user_may_screen requires one
    kind = _business_type(business_type)
    name = (file_name or "").strip()[:255] or "未命名文件"
    # Reading the head refuses an unreadable file or one without the columns before anything is stored.
    head = list(read_rows(name, content, limit=INLINE_ROWS + 1))
    user, label = actor_user_and_label(actor)
    with transaction.atomic():
        job = ScreeningJob.objects.create(
            organisation_id=organisation_id,
            created_by=user,
            created_by_label=label,
            file_name=name,
            file_sm3=sm3_hex(content),
            content=seal_file(content),
            business_type=kind,
        )
        _audit(
            actor,
            "screening.submit",
            job,
            {
                "file": audit_text(name),
                "sm3": job.file_sm3[:16],
                "business_type": kind,
                "inline": len(head) <= INLINE_ROWS,
            },
        )
    if len(head) <= INLINE_ROWS:
        return screening_process(job.pk, force=True)
    return job


# --- the worker ---------------------------------------------------------------------------------


def _claim(job_id: int, *, force: bool) -> ScreeningJob | None:
    now = timezone.now()
    with transaction.atomic():
        job = ScreeningJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in (JobState.DONE, JobState.FAILED):
            return None
        if job.state == JobState.RUNNING and not force and job.lease_until and job.lease_until > now:
            return None  # another worker holds it
        job.state = JobState.RUNNING
        job.started_at = job.started_at or now
        job.screened_on = job.screened_on or timezone.localdate()
        job.lease_until = now + LEASE
        job.save(update_fields=["state", "started_at", "screened_on", "lease_until"])
        return job


def _fail(job: ScreeningJob, message: str) -> ScreeningJob:
    with transaction.atomic():
        job.state = JobState.FAILED
        job.error = message
        job.finished_at = timezone.now()
        job.content = None
        job.lease_until = None
        job.save(update_fields=["state", "error", "finished_at", "content", "lease_until"])
        audit_record(actor=None, action="screening.failed", target=job, data={"error": audit_text(message[:300])})
    return job


def _row(job: ScreeningJob, result: RowResult) -> ScreeningRow:
    return ScreeningRow(
        job=job,
        row_number=result.number,
        input_name=result.input_name,
        input_code=result.input_code,
        input_key=result.input_key,
        alt_keys=result.alt_keys,
        outcome=result.outcome,
        message=result.message,
        candidates=[c.as_json() for c in result.candidates],
    )


@dataclass
class ProcessReport:
    job: ScreeningJob
    screened: int
    times: PhaseTimes


def screening_process(
    job_id: int, *, force: bool = False, max_rows: int | None = None, chunk_rows: int = CHUNK_ROWS
) -> ScreeningJob:
    """Process (or resume) one job; `max_rows` stops after that many new rows (an interruption)."""
    return screening_process_report(job_id, force=force, max_rows=max_rows, chunk_rows=chunk_rows).job


def screening_process_report(
    job_id: int, *, force: bool = False, max_rows: int | None = None, chunk_rows: int = CHUNK_ROWS
) -> ProcessReport:
    times = PhaseTimes()
    job = _claim(job_id, force=force)
    if job is None:
        return ProcessReport(ScreeningJob.objects.get(pk=job_id), 0, times)
    try:
        rows = list(read_rows(job.file_name, open_file(bytes(job.content or b""))))
    except DecryptionError:
        return ProcessReport(_fail(job, "待处理的名单文件无法解密（文件已损坏或密钥已更换），请重新上传"), 0, times)
    except FileRejected as exc:
        return ProcessReport(_fail(job, exc.message), 0, times)
    done = set(ScreeningRow.objects.filter(job=job).values_list("row_number", flat=True))
    todo = [row for row in rows if row.number not in done]
    ScreeningJob.objects.filter(pk=job.pk).update(total_rows=len(rows))
    index, _report = current_index()
    on = job.screened_on or timezone.localdate()
    if max_rows is not None:
        todo = todo[:max_rows]  # an interruption after that many rows (tests, operators)
    screened = 0
    for results in screen_in_chunks(
        todo,
        index=index,
        organisation_id=job.organisation_id,
        on=on,
        business_type=job.business_type,
        chunk_rows=chunk_rows,
        times=times,
    ):
        with transaction.atomic():
            ScreeningRow.objects.bulk_create([_row(job, r) for r in results], ignore_conflicts=True)
            stored = ScreeningRow.objects.filter(job=job)
            ScreeningJob.objects.filter(pk=job.pk).update(
                processed_rows=stored.count(),
                matched_rows=stored.filter(outcome=Outcome.MATCHED).count(),
                lease_until=timezone.now() + LEASE,
            )
        screened += len(results)
    job.refresh_from_db()
    if job.processed_rows >= len(rows):
        with transaction.atomic():
            job.state = JobState.DONE
            job.finished_at = timezone.now()
            job.content = None
            job.lease_until = None
            job.save(update_fields=["state", "finished_at", "content", "lease_until"])
            audit_record(
                actor=None,
                action="screening.done",
                target=job,
                data={"rows": job.processed_rows, "matched": job.matched_rows},
            )
    return ProcessReport(job, screened, times)


def screening_work(*, job_id: int | None = None, limit: int | None = None) -> list[ScreeningJob]:
    """Process queued jobs (and running ones whose worker stopped), oldest first; with `job_id`
    that job only, even if another worker's lease has not run out."""
    if job_id is not None:
        return [screening_process(job_id, force=True)]
    now = timezone.now()
    open_jobs = ScreeningJob.objects.filter(state__in=[JobState.QUEUED, JobState.RUNNING]).order_by("id")
    processed: list[ScreeningJob] = []
    for job in open_jobs.only("id", "state", "lease_until"):
        if job.state == JobState.RUNNING and job.lease_until and job.lease_until > now:
            continue
        processed.append(screening_process(job.pk))
        if limit is not None and len(processed) >= limit:
            break
    return processed


# --- false matches ------------------------------------------------------------------------------


def false_match_mark(*, actor: Actor, job: ScreeningJob, row_number: int, subject_id: int) -> FalseMatch:
    """Mark one candidate of one row as a false match for the job's organisation."""
    if not user_may_mark(actor, job):
        raise PermissionDenied(f"“{actor_label(actor)}”不能标记本单位以外的筛查结果，或只有查阅权限")
    row = screening_row_get(job, row_number)
    if not any(c.get("subject_id") == subject_id for c in row.candidates):
        raise ValidationFailed(f"第 {row_number} 行的匹配结果中没有主体 {subject_id}", field="subject")
    if not row.input_key:
        raise ValidationFailed(f"第 {row_number} 行没有可标记的输入内容", field="row")
    subject = Subject.objects.get(pk=subject_id)
    key = _key_for(row, subject_id)
    _user, label = actor_user_and_label(actor)
    with transaction.atomic():
        existing = FalseMatch.objects.select_for_update().filter(
            organisation_id=job.organisation_id, input_key=key, subject=subject, undone_at__isnull=True
        )
        mark = existing.first()
        if mark is not None:
            return mark
        mark = FalseMatch.objects.create(
            organisation_id=job.organisation_id,
            input_key=key,
            input_label=(row.input_name or row.input_code)[:200],
            subject=subject,
            marked_by_label=label,
            job=job,
        )
        _audit(actor, "screening.false_match.mark", mark, {"job": job.pk, "row": row_number, "subject": subject_id})
    return mark


def _key_for(row: ScreeningRow, subject_id: int) -> str:
    """The key the candidate came from: a code match is marked on the code, a name match on the name."""
    candidate = next(c for c in row.candidates if c.get("subject_id") == subject_id)
    keys = [row.input_key, *row.alt_keys]
    if str(candidate.get("reason", "")).startswith(("统一社会信用代码一致", "身份证号码一致")):
        return keys[0]
    return next((k for k in keys if k.startswith("name:")), keys[0])


def false_match_undo(*, actor: Actor, mark: FalseMatch) -> FalseMatch:
    job_like = ScreeningJob(organisation_id=mark.organisation_id)
    if not user_may_mark(actor, job_like):
        raise PermissionDenied(f"“{actor_label(actor)}”不能撤销本单位以外的误匹配标记，或只有查阅权限")
    _user, label = actor_user_and_label(actor)
    with transaction.atomic():
        locked = FalseMatch.objects.select_for_update().get(pk=mark.pk)
        if locked.undone_at is not None:
            return locked
        locked.undone_at = timezone.now()
        locked.undone_by_label = label
        locked.save(update_fields=["undone_at", "undone_by_label"])
        _audit(actor, "screening.false_match.undo", locked, {"subject": locked.subject_id})
    return locked
