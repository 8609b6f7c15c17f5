from django.contrib import admin

from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "topic", "title", "read_at")
    list_filter = ("topic",)
    search_fields = ("title",)
