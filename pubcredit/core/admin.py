"""Admin for the shared kernel: the operator calendar (editable, audited) and the audit log (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone

from pubcredit.core.audit import actor_identity, audit_record
from pubcredit.core.models import AuditEvent, CalendarDay, CalendarYear
from pubcredit.core.workdays.services import calendar_year_record_admin_edit


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ["date", "is_working_day", "name", "note"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "day_count", "entered_by_label", "entered_at", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["entered_by_label", "entered_at", "published_at"]
    fields = ["year", "status", "source_note", "entered_by_label", "entered_at", "published_at"]
    inlines = [CalendarDayInline]

    @admin.display(description="已录入日期数")
    def day_count(self, obj: CalendarYear) -> int:
        return obj.days.count()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Deleting an official year would silently turn its deadlines provisional again.
        if isinstance(obj, CalendarYear) and obj.is_official:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: ModelForm, change: bool) -> None:
        obj.entered_by_id, obj.entered_by_label = actor_identity(request.user)
        obj.entered_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changed_dates: set[str] = set()
        for formset in formsets:
            if isinstance(formset, BaseInlineFormSet):
                touched = [*formset.new_objects, *(obj for obj, _ in formset.changed_objects), *formset.deleted_objects]
                changed_dates.update(day.date.isoformat() for day in touched)
        calendar_year: CalendarYear = form.instance
        calendar_year_record_admin_edit(
            actor=request.user,
            calendar_year=calendar_year,
            status_before=form.initial.get("status") if change else None,
            changed_dates=sorted(changed_dates),
            changed_fields=list(form.changed_data),
        )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk deletion would bypass the per-year check above and the audit below.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        audit_record(actor=request.user, action="calendar.delete", target=obj, data={"year": obj.year})
        super().delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_type", "target_id", "actor_label"]
    date_hierarchy = "occurred_at"
    ordering = ["-seq"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
