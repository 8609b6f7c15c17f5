"""Errors shared by every domain.

Two families: `ConfigurationError` stops start-up with one English sentence (settings, keys,
policy packs, the database), and `DomainError` carries a Chinese message for users plus a
machine code, so that the API, the pages and the CLI can all say what was wrong and with which
value.
"""

from __future__ import annotations


class ConfigurationError(Exception):
    """A setting, key, policy pack or database that makes the platform unable to start."""


class DomainError(Exception):
    """A refused action. `message` is Chinese and names the value and the reason."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class ValidationFailed(DomainError):
    code = "invalid"


class PermissionDenied(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"
