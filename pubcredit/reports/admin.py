"""Read-only admin of the report archive: rows are written by the service only."""

from __future__ import annotations

from django.contrib import admin

from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.reports.models import Report


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "kind", "viewer_kind", "generated_at", "generated_by_label", "superseded_by")
    list_filter = ("kind", "viewer_kind")
    search_fields = ("number", "sha")
