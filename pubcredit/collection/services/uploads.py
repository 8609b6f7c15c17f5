"""Deleting raw uploads whose retention period has ended; the row and its digest stay as evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pubcredit.collection.models import RawUpload
from pubcredit.collection.raw_store import upload_path
from pubcredit.core.audit import audit_record


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
