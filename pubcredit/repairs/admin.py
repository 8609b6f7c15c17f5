"""Read-only admin: applications are written by the services only."""

from __future__ import annotations

from django.contrib import admin

from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.repairs.models import RepairApplication, RepairProof


class RepairProofInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RepairProof
    extra = 0
    fields = ("file_name", "content_type", "size", "sm3", "created_at")
    readonly_fields = fields


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "record", "provider", "state", "received_on", "decision_due_on", "overdue")
    list_filter = ("state", "overdue", "pack")
    search_fields = ("number",)
    inlines = [RepairProofInline]
