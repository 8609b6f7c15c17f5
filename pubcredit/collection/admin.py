from django.contrib import admin

from pubcredit.collection.models import (
    Batch,
    Declaration,
    DeclarationAttachment,
    RawUpload,
    ReportingDuty,
    ReportingNotice,
)
from pubcredit.core.readonly_admin import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Collection rows are written by the services only (audited); the admin shows them."""


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
