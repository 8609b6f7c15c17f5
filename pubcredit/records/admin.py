"""Records admin: read-mostly. Writes go through the services so that versions and audit follow."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.records.models import Annotation, Record, RecordVersion


class RecordVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RecordVersion
    extra = 0
    fields = ("version", "status", "decided_on", "end_date", "tier", "disclosure_ends_on", "changed_by_label", "reason")
    readonly_fields = fields


class AnnotationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Annotation
    extra = 0
    fields = ("kind", "text", "article", "created_by_label", "created_at", "active")
    readonly_fields = fields


@admin.register(Record)
class RecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "item_code",
        "source_ref",
        "subject",
        "provider",
        "kind",
        "tier",
        "decided_on",
        "disclosure_ends_on",
        "status",
        "version",
    )
    list_filter = ("status", "kind", "info_class", "tier", "item_code", "self_declared")
    search_fields = ("source_ref", "batch_ref")
    raw_id_fields = ("subject", "item", "provider")
    date_hierarchy = "decided_on"
    inlines = [RecordVersionInline, AnnotationInline]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_staff", False))


@admin.register(RecordVersion)
class RecordVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("record", "version", "status", "decided_on", "changed_by_label", "reason", "created_at")
    raw_id_fields = ("record",)


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("record", "kind", "text", "article", "created_by_label", "created_at", "active")
    list_filter = ("kind", "active")
    raw_id_fields = ("record",)
    readonly_fields = ("record", "kind", "text", "article", "created_by", "created_by_label", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
