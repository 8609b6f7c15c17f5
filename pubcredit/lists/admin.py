"""Admin: the credit centre configures list types (saves audited); entries are read-only here,
they are written by the services (pages and API)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pubcredit.core.audit import audit_record
from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.lists.models import ListEntry, ListType


@admin.register(ListType)
class ListTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "issuing_department", "term_months", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a list type with `active`, entries keep pointing at it

    def save_model(self, request: HttpRequest, obj: ListType, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="lists.type.change" if change else "lists.type.create",
            target=obj,
            data={"code": obj.code, "changed": sorted(form.changed_data)},
        )


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "list_type", "subject", "department", "starts_on", "ends_on", "state", "exit_reason")
    list_filter = ("kind", "state", "exit_reason")
    search_fields = ("number", "decision_number")
