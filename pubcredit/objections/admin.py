"""Read-only admin: objections are written by the services only (audited, with holds)."""

from __future__ import annotations

from django.contrib import admin

from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.objections.models import Objection, ObjectionEvidence, ObjectionItem


class ItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ObjectionItem
    extra = 0


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "state", "received_on", "due_on", "overdue", "escalated", "pack", "channel")
    list_filter = ("state", "overdue", "escalated", "pack", "channel")
    search_fields = ("number",)
    inlines = [ItemInline]


@admin.register(ObjectionEvidence)
class ObjectionEvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("objection", "file_name", "content_type", "size", "uploaded_at")
