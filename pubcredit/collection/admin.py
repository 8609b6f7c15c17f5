from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pubcredit.collection.models import (
    Batch,
    Declaration,
    DeclarationAttachment,
    RawUpload,
    ReportingDuty,
    ReportingNotice,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Collection rows are written by the services only (audited); the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ["ref", "provider", "item_code", "channel", "status", "rows_total", "rows_created", "received_at"]
    list_filter = ["status", "channel", "item_code"]
    search_fields = ["ref"]


@admin.register(RawUpload)
class RawUploadAdmin(ReadOnlyAdmin):
    list_display = ["sm3", "size", "retain_until", "created_at"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "subject", "item", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(DeclarationAttachment)
class DeclarationAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "declaration", "size", "created_at"]


@admin.register(ReportingDuty)
class ReportingDutyAdmin(admin.ModelAdmin):
    list_display = ["provider", "item_code", "frequency", "last_reported_on", "next_due_on", "active"]
    list_filter = ["active", "frequency"]


@admin.register(ReportingNotice)
class ReportingNoticeAdmin(ReadOnlyAdmin):
    list_display = ["provider", "stage", "due_on", "issued_on", "resolved_on"]
    list_filter = ["stage"]
