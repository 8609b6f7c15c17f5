"""Private files (proofs, evidence, decision documents, reports) kept and sent to an entitled user.

Kept by content address in the private storage, so the same bytes are stored once. Sent always as
an attachment, never sniffed into another type, and sandboxed should a browser render it anyway: an
uploaded file must not become a page of the platform's origin.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stored_once(path: str, content: bytes) -> bool:
    """Store `content` at `path` (a name derived from its digest) unless it is there already;
    True when this call wrote it. A file already there holds the same bytes; a write that fails
    half-way leaves nothing; a concurrent writer of the same bytes that won the name keeps it."""
    if default_storage.exists(path):
        return False
    try:
        saved = default_storage.save(path, ContentFile(content))
    except BaseException:
        if default_storage.exists(path):  # a partial write
            default_storage.delete(path)
        raise
    if saved != path:
        default_storage.delete(saved)
        return False
    return True


def private_download(handle: Any, *, filename: str, content_type: str | None = None) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
