"""Admin: the credit centre maintains the measure list (措施清单, 元宝山方案 五（六）), saves audited;
tasks and checks are read-only here, written by the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pubcredit.core.audit import audit_record
from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.measures.models import CreditCheck, Measure, MeasureTask


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "nature", "force", "condition", "department", "active")
    list_filter = ("nature", "force", "condition", "active")
    search_fields = ("code", "name", "legal_basis")
    filter_horizontal = ("list_types",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a measure with `active`; tasks and checks keep pointing at it

    def save_model(self, request: HttpRequest, obj: Measure, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="measures.measure.change" if change else "measures.measure.create",
            target=obj,
            data={"code": obj.code, "changed": sorted(form.changed_data)},
        )


@admin.register(MeasureTask)
class MeasureTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("entry", "measure", "department", "state", "due_on", "overdue")
    list_filter = ("state", "overdue")


@admin.register(CreditCheck)
class CreditCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "organisation", "business_type", "checked_on", "outcome")
    list_filter = ("business_type", "outcome")
    search_fields = ("number",)
