"""Disclosure admin: read-only. Grants, agreements, hide requests and the query log change only
through the services, so that every change is permission-checked and audited."""

from __future__ import annotations

from django.contrib import admin

from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.disclosure.models.access import Authorisation, SharingAgreement
from pubcredit.disclosure.models.charges import QueryCharge
from pubcredit.disclosure.models.outcomes import HideRequest, Tombstone
from pubcredit.disclosure.models.query_log import QueryLogEntry


class _ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(QueryLogEntry)
class QueryLogEntryAdmin(_ReadOnly):
    list_display = ("created_at", "viewer_label", "viewer_kind", "subject_id", "purpose", "outcome", "retain_until")
    list_filter = ("viewer_kind", "outcome")
    date_hierarchy = "created_at"
    raw_id_fields = ("subject", "user", "api_client", "organisation")


@admin.register(Authorisation)
class AuthorisationAdmin(_ReadOnly):
    list_display = ("id", "subject_id", "requester_label", "purpose", "valid_from", "valid_until", "method", "state")
    list_filter = ("state", "method")
    raw_id_fields = ("subject", "requester_organisation", "requester_user", "created_by", "checked_by")


@admin.register(SharingAgreement)
class SharingAgreementAdmin(_ReadOnly):
    list_display = ("id", "consumer", "purpose", "valid_from", "valid_until", "state")
    list_filter = ("state",)


@admin.register(HideRequest)
class HideRequestAdmin(_ReadOnly):
    list_display = ("id", "record_id", "subject_id", "requested_on", "mode", "due_on", "state")
    list_filter = ("state", "mode")
    raw_id_fields = ("record", "subject", "requested_by")


@admin.register(Tombstone)
class TombstoneAdmin(_ReadOnly):
    list_display = ("id", "record_id", "item_code", "reason", "article", "pack", "purged_at")


@admin.register(QueryCharge)
class QueryChargeAdmin(_ReadOnly):
    list_display = ("created_at", "viewer_label", "viewer_kind", "subject_id", "year", "charged", "article")
    list_filter = ("charged", "viewer_kind", "year")
    raw_id_fields = ("subject", "user", "organisation")
