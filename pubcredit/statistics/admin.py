"""Read-only admin of the statistical report archive: entries are written by the archive service
only (file, row, supersession and audit event in one step), so the admin shows and never edits."""

from __future__ import annotations

from django.contrib import admin

from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.statistics.models import StatisticalReport


@admin.register(StatisticalReport)
class StatisticalReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "kind",
        "period",
        "district",
        "file_format",
        "rollup",
        "generated_at",
        "generated_by_label",
        "superseded_by",
    )
    list_filter = ("kind", "file_format", "period")
    search_fields = ("number", "sha")
    list_select_related = ("rollup", "superseded_by")
