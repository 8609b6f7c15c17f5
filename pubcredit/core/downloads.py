"""Private files (proofs, evidence, decision documents) sent to an entitled user.

Always as an attachment, never sniffed into another type, and sandboxed should a browser render it
anyway: an uploaded file must not become a page of the platform's origin.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse


def private_download(handle: Any, *, filename: str, content_type: str | None = None) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
