"""The one error type of the file parsers, so callers can catch every refusal of a file alone."""

from __future__ import annotations

from pubcredit.core.errors import ValidationFailed


class FileRejected(ValidationFailed):
    """A whole file cannot be read (encoding, format, size, headers); the message says why in Chinese."""

    code = "file_rejected"

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message, field="file")
        self.row = row
        self.column = column
