"""Accounts admin for the credit centre. Every change goes through the services, so it is
permission-checked and audited; tokens are shown once, on creation, and never again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from pubcredit.accounts.actors import actor_may
from pubcredit.accounts.lockout import login_unlock
from pubcredit.accounts.models import ApiClient, ApiScope, LoginThrottle, Organisation, RoleGrant, TotpDevice, User
from pubcredit.accounts.second_factor import totp_reset
from pubcredit.accounts.services import (
    api_client_create,
    api_client_revoke,
    organisation_create,
    organisation_update,
    role_grant,
    role_revoke,
    user_save_from_admin,
)
from pubcredit.core.errors import DomainError
from pubcredit.core.roles import Role

_VIEW_ROLES = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)


class _OperatorAdmin(admin.ModelAdmin):
    """The operator manages; authority and auditor may look; nobody deletes (rows are revoked)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actor_may(request.user, *_VIEW_ROLES)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return actor_may(request.user, *_VIEW_ROLES)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return actor_may(request.user, Role.OPERATOR)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return actor_may(request.user, Role.OPERATOR)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(_OperatorAdmin):
    list_display = (
        "name",
        "short_name",
        "kind",
        "is_provider",
        "is_consumer",
        "district",
        "reporting_frequency",
        "active",
    )
    list_filter = ("kind", "is_provider", "is_consumer", "active", "reporting_frequency")
    search_fields = ("name", "short_name", "uscc")
    autocomplete_fields = ("parent",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return ("name", "uscc") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            if change:
                current = Organisation.objects.get(pk=obj.pk)
                changes = {field: data[field] for field in form.changed_data if field in data}
                organisation_update(actor=request.user, organisation=current, **changes)
            else:
                created = organisation_create(
                    actor=request.user,
                    name=data["name"],
                    short_name=data.get("short_name", ""),
                    uscc=data.get("uscc") or None,
                    kind=data["kind"],
                    is_provider=data.get("is_provider", False),
                    is_consumer=data.get("is_consumer", False),
                    district=data.get("district", ""),
                    parent=data.get("parent"),
                    reporting_frequency=data.get("reporting_frequency", ""),
                )
                obj.pk = created.pk
        except DomainError as exc:
            messages.error(request, exc.message)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("role", "organisation", "granted_by", "granted_at", "revoked_at")
    readonly_fields = fields
    verbose_name_plural = "角色授权（在“角色授权”中授予或撤销）"

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin, _OperatorAdmin):
    list_display = ("username", "display_name", "organisation", "role_labels", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "role_grants__role", "organisation")
    search_fields = ("username", "display_name", "email", "organisation__name")
    autocomplete_fields = ("organisation", "subject")
    inlines = [RoleGrantInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("平台", {"fields": ("display_name", "organisation", "subject")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        ("平台", {"fields": ("display_name", "organisation", "subject")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser hands out Django's own powers; platform roles go through role grants.
            readonly += ("is_superuser", "groups", "user_permissions")
        return readonly

    @admin.display(description="角色")
    def role_labels(self, obj: User) -> str:
        return "、".join(sorted(Role(role).label for role in obj.roles if role != Role.PUBLIC)) or "公众"

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        try:
            user_save_from_admin(actor=request.user, user=obj, created=not change, changed_fields=form.changed_data)
        except DomainError as exc:
            messages.error(request, exc.message)


class RoleGrantForm(forms.ModelForm):
    class Meta:
        model = RoleGrant
        fields = ("user", "role", "organisation")

    def clean_role(self) -> str:
        role = str(self.cleaned_data["role"])
        if role == Role.PUBLIC:
            raise forms.ValidationError("“公众”是所有人的默认角色，无需授予")
        return role


@admin.register(RoleGrant)
class RoleGrantAdmin(_OperatorAdmin):
    form = RoleGrantForm
    list_display = ("user", "role", "organisation", "granted_by", "granted_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "user__display_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    actions = ["revoke_selected"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        try:
            grant = role_grant(
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data.get("organisation"),
            )
            obj.pk = grant.pk
        except DomainError as exc:
            messages.error(request, exc.message)

    @admin.action(description="撤销所选角色授权")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        if not actor_may(request.user, Role.OPERATOR):
            messages.error(request, "只有信用中心可以撤销角色")
            return
        count = 0
        for grant in queryset.filter(revoked_at__isnull=True).select_related("user", "organisation"):
            role_revoke(actor=request.user, user=grant.user, role=grant.role, organisation=grant.organisation)
            count += 1
        messages.success(request, f"已撤销 {count} 项角色授权")


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label="授权范围", choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiClient
        fields = ("organisation", "name", "scopes")


@admin.register(ApiClient)
class ApiClientAdmin(_OperatorAdmin):
    form = ApiClientForm
    list_display = ("name", "organisation", "token_prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "organisation")
    search_fields = ("name", "token_prefix", "organisation__name")
    autocomplete_fields = ("organisation",)
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("organisation", "name", "scopes", "token_prefix", "created_at", "last_used_at", "revoked_at")

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if obj is None:
            return ["organisation", "name", "scopes"]
        return ["organisation", "name", "scopes", "token_prefix", "created_at", "last_used_at", "revoked_at"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        try:
            client, token = api_client_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = client.pk
        messages.warning(request, f"访问令牌（只显示这一次，请立即交给对接单位妥善保存）：{token}")

    @admin.action(description="撤销所选 API 客户端")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        if not actor_may(request.user, Role.OPERATOR):
            messages.error(request, "只有信用中心可以撤销 API 客户端")
            return
        for client in queryset.filter(revoked_at__isnull=True):
            api_client_revoke(actor=request.user, client=client)
        messages.success(request, "已撤销所选 API 客户端")


@admin.register(LoginThrottle)
class LoginThrottleAdmin(_OperatorAdmin):
    """Names with failed sign-ins; a lock can be lifted early, audited."""

    list_display = ("username_key", "failures", "last_failure_at", "locked_until")
    search_fields = ("username_key",)
    readonly_fields = ("username_key", "failures", "last_failure_at", "locked_until")
    actions = ["unlock_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="解除所选用户名的登录锁定")
    def unlock_selected(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        try:
            for throttle in queryset:
                login_unlock(actor=request.user, throttle=throttle)
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        messages.success(request, f"已解除 {queryset.count()} 个用户名的登录锁定")


@admin.register(TotpDevice)
class TotpDeviceAdmin(_OperatorAdmin):
    """Who has bound an authenticator; the secret is never shown. A lost one is reset here."""

    list_display = ("user", "confirmed_at", "grace_started_at")
    search_fields = ("user__username", "user__display_name")
    fields = ("user", "confirmed_at", "grace_started_at")
    readonly_fields = ("user", "confirmed_at", "grace_started_at")
    actions = ["reset_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="重置所选动态口令（验证器丢失或更换）")
    def reset_selected(self, request: HttpRequest, queryset: QuerySet[TotpDevice]) -> None:
        count = 0
        try:
            for device in queryset.filter(confirmed_at__isnull=False).select_related("user"):
                totp_reset(actor=request.user, user=device.user, reason="管理后台重置：验证器丢失或更换")
                count += 1
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        messages.success(request, f"已重置 {count} 个动态口令，相关账号下次登录时须重新绑定")


def _sign_in_at_the_portal(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin signs in through the portal's page, so the lock-out and the second factor
    cannot be stepped around by the admin's own login form."""
    target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if request.user.is_authenticated:
        # Signed in without admin access: the portal would send the user straight back here.
        raise DjangoPermissionDenied("您的账号无权使用管理后台")
    return redirect_to_login(target, login_url=reverse("portal:login"))


admin.site.login = _sign_in_at_the_portal  # type: ignore[method-assign]
