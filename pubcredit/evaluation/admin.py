"""Admin: the credit centre configures the farmer rating groups (saves audited); scores and
ratings are read-only here, written by the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pubcredit.core.audit import audit_record
from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.evaluation.models import FarmerRating, RatingGroup, RatingObjection, Score


@admin.register(RatingGroup)
class RatingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "place", "town")
    list_filter = ("level",)
    search_fields = ("name", "place")
    filter_horizontal = ("members",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # ratings keep pointing at their group

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        group: RatingGroup = form.instance
        audit_record(
            actor=request.user,
            action="evaluation.group.change" if change else "evaluation.group.create",
            target=group,
            data={"level": group.level, "members": sorted(group.members.values_list("pk", flat=True))},
        )


class RatingObjectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RatingObjection
    extra = 0
    fields = ("received_on", "raised_by_name", "statement", "resolved", "resolution")
    readonly_fields = fields


@admin.register(FarmerRating)
class FarmerRatingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "village", "state", "proposed_grade", "reviewed_grade", "publicity_ends_on")
    list_filter = ("state",)
    search_fields = ("number",)
    inlines = [RatingObjectionInline]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("subject_id", "scorecard", "version", "points", "grade", "computed_on")
    list_filter = ("scorecard", "grade")
    show_full_result_count = False
