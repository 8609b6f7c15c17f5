"""Deleting stored files: raw uploads whose retention period has ended (the row and its digest stay
as evidence), and files that never got a row because the transaction writing it rolled back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pubcredit.collection.models import DeclarationAttachment, RawUpload
from pubcredit.collection.raw_store import RAW_DIR, TEMP_PREFIX, upload_path
from pubcredit.collection.services.declarations import STORAGE_DIR as PROOF_DIR
from pubcredit.core.audit import audit_record
from pubcredit.core.proof_files import ORPHAN_GRACE, proof_files_orphans_delete


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    bytes: int


def raw_uploads_purge(*, today: dt.date | None = None) -> PurgeResult:
    """Delete the files past `retain_until` (collection.upload_retention_months, set when received).

    Swept by the (retain_until, purged_at) index; each row is claimed by a compare-and-swap update
    before its file is removed, so two sweeps never both count it and a second run does nothing.
    """
    day = today or timezone.localdate()
    purged = 0
    size = 0
    due = RawUpload.objects.filter(retain_until__lt=day, purged_at__isnull=True).order_by("pk")
    for upload in due.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = RawUpload.objects.filter(pk=upload.pk, purged_at__isnull=True).update(purged_at=timezone.now())
            if not claimed:
                continue
            upload_path(upload.path).unlink(missing_ok=True)
            purged += 1
            size += upload.size
    if purged:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="collection.raw_upload.purge",
                data={"on": day.isoformat(), "purged": purged, "bytes": size},
            )
    return PurgeResult(purged, size)


def orphan_files_purge(*, now: dt.datetime | None = None) -> PurgeResult:
    """Delete stored files no row refers to, older than `ORPHAN_GRACE`.

    Files are written before the transaction that records them commits (a large upload is never
    held in memory), so a batch or declaration that rolled back, or a process killed mid-way,
    leaves a file behind. Such a file may hold personal information with no purpose left; this
    removes it. Referenced files are never touched, whatever their age.
    """
    cutoff = (now or timezone.now()).timestamp() - ORPHAN_GRACE.total_seconds()
    root = Path(settings.UPLOAD_DIR)
    known = set(RawUpload.objects.values_list("path", flat=True))
    purged = size = 0
    candidates = [*root.glob(f"{RAW_DIR}/*/*"), *root.glob(f"{TEMP_PREFIX}*")]
    for path in candidates:
        stat = path.stat()
        if path.relative_to(root).as_posix() not in known and stat.st_mtime < cutoff:
            path.unlink(missing_ok=True)
            purged, size = purged + 1, size + stat.st_size
    proofs = set(DeclarationAttachment.objects.values_list("path", flat=True))
    files, proof_bytes = proof_files_orphans_delete(PROOF_DIR, proofs, now=now or timezone.now())
    purged, size = purged + files, size + proof_bytes
    if purged:
        with transaction.atomic():
            audit_record(actor=None, action="collection.orphan_files.purge", data={"purged": purged, "bytes": size})
    return PurgeResult(purged, size)
