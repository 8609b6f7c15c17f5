"""Admin of the exchange: the credit centre configures agreements and item sharing; every save is
audited. Events and provenance are read-only (written by the collector and the pull)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from pubcredit.catalog.selectors import catalog_item_latest
from pubcredit.core.audit import audit_record
from pubcredit.core.readonly_admin import ReadOnlyAdminMixin
from pubcredit.exchange.models import (
    ChangeEvent,
    CollectWatermark,
    ExchangePartner,
    ItemSharing,
    PartnerDirection,
    ReceivedHold,
    ReceivedRecord,
)
from pubcredit.exchange.signing import public_key_valid


class ExchangePartnerForm(forms.ModelForm):
    base_url = forms.URLField(
        label="对方平台地址", required=False, assume_scheme="https", help_text="获取方向：对方平台的根地址"
    )

    class Meta:
        model = ExchangePartner
        exclude: list[str] = []

    def clean_item_codes(self) -> list[str]:
        codes = self.cleaned_data["item_codes"]
        if not isinstance(codes, list) or not all(isinstance(code, str) and code for code in codes):
            raise forms.ValidationError('目录项编码应为字符串列表，如 ["CF", "XK"]')
        for code in codes:
            if not code.startswith("list:") and catalog_item_latest(code) is None:
                raise forms.ValidationError(f"目录项“{code}”不存在")
        return list(dict.fromkeys(codes))

    def clean_public_key(self) -> str:
        pem = str(self.cleaned_data.get("public_key", "")).strip()
        if pem and not public_key_valid(pem):
            raise forms.ValidationError("公钥应为 PEM 格式的 Ed25519 公钥")
        return pem

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation = data.get("organisation")
        client = data.get("actor_client")
        if data.get("direction") == PartnerDirection.INBOUND:
            if organisation is not None and not organisation.is_provider:
                self.add_error("organisation", "获取方向的对方平台单位须为信息提供单位（接收的记录以其名义写入）")
            if client is not None and organisation is not None and client.organisation_id != organisation.pk:
                self.add_error("actor_client", "API 客户端须属于对方平台单位")
        return data


@admin.register(ExchangePartner)
class ExchangePartnerAdmin(admin.ModelAdmin):
    form = ExchangePartnerForm
    list_display = ("code", "name", "organisation", "direction", "state", "valid_from", "valid_until", "cursor")
    list_filter = ("direction", "state")
    search_fields = ("code", "name")
    readonly_fields = ("cursor", "created_at", "updated_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ExchangePartner, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="exchange.partner.change" if change else "exchange.partner.create",
            target=obj,
            data={
                "code": obj.code,
                "direction": obj.direction,
                "state": obj.state,
                "items": list(obj.item_codes),
                "changed": sorted(form.changed_data),
            },
        )


@admin.register(ItemSharing)
class ItemSharingAdmin(admin.ModelAdmin):
    list_display = ("item_code", "scope", "frequency", "updated_at")
    list_filter = ("scope", "frequency")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ItemSharing, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="exchange.item_sharing.change" if change else "exchange.item_sharing.create",
            target=obj,
            data={"item": obj.item_code, "scope": obj.scope, "frequency": obj.frequency},
        )


@admin.register(ChangeEvent)
class ChangeEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "kind", "item_code", "source_table", "source_id", "source_version", "created_at")
    list_filter = ("kind", "source_table")
    exclude = ("subject_key",)


@admin.register(CollectWatermark)
class CollectWatermarkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("source", "last_id", "last_changed_at", "gap_since")


@admin.register(ReceivedRecord)
class ReceivedRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("partner", "origin_id", "origin_provider", "record", "origin_version", "purged")
    list_filter = ("partner", "purged")


@admin.register(ReceivedHold)
class ReceivedHoldAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("partner", "origin_id", "annotation", "lifted")
