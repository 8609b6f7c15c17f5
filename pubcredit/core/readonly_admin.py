"""A read-only admin for rows that only the services write.

Services check permissions, keep versions and write the audit event in the same transaction; an
admin form would do none of that, so such models are shown in the admin and never edited there.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Mix into a ModelAdmin or an inline before the Django class."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
