"""Catalogue admin: read and inspect; changes go through the versioning services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pubcredit.catalog.models import CatalogItem


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "info_class", "kind", "openness", "status", "valid_from", "valid_to")
    list_filter = ("status", "info_class", "kind", "openness", "dual_publicity")
    search_fields = ("code", "name", "legal_basis")
    ordering = ("code", "-version")
    readonly_fields = [f.name for f in CatalogItem._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CatalogItem | None = None) -> bool:
        return False
