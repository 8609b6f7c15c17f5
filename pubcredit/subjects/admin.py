"""Subject admin: masked identifiers only. The ID number can be typed in to register a person,
but it is never rendered back, and ciphertext and index stay out of every page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from pubcredit.accounts.actors import actor_may
from pubcredit.core.errors import DomainError, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.policy import get_policy
from pubcredit.subjects.models import Subject
from pubcredit.subjects.services import prepare_subject, subject_register, subject_update


class SubjectAddForm(forms.ModelForm):
    id_number = forms.CharField(
        label="身份证号码",
        required=False,
        max_length=30,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="自然人必填；保存后只以脱敏形式显示",
    )
    legacy = forms.BooleanField(label="历史代码（校验位不符，经提供单位标注）", required=False)

    class Meta:
        model = Subject
        fields = ("kind", "name", "uscc", "district")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        today = timezone.localdate()
        try:
            prepare_subject(
                kind=data.get("kind", ""),
                name=data.get("name", ""),
                uscc=data.get("uscc") or None,
                id_number=data.get("id_number") or None,
                legacy=bool(data.get("legacy")),
                district=data.get("district"),
                on_date=today,
                policy=get_policy(on=today),
            )
        except ValidationFailed as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
        return data

    def validate_unique(self) -> None:
        """A known identifier is not an error: registration returns the existing subject."""


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "display_identifier", "district", "uscc_legacy", "created_at")
    list_filter = ("kind", "uscc_legacy", "district")
    search_fields = ("name", "name_normalized", "uscc")
    exclude = ("id_number_cipher", "id_number_index")

    @admin.display(description="证件号码")
    def display_identifier(self, obj: Subject) -> str:
        return obj.display_identifier

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SubjectAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if obj is None:
            return ["kind", "name", "uscc", "legacy", "id_number", "district"]
        return [
            "kind",
            "name",
            "name_normalized",
            "display_identifier",
            "uscc_legacy",
            "district",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if obj is None:
            return ()
        return ("kind", "name_normalized", "display_identifier", "uscc_legacy", "created_at", "updated_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actor_may(request.user, Role.OPERATOR, Role.PROVIDER, Role.AUTHORITY, Role.AUDITOR)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return actor_may(request.user, Role.OPERATOR, Role.PROVIDER)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return actor_may(request.user, Role.OPERATOR)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # subjects carry records; nothing disappears without a tombstone

    def save_model(self, request: HttpRequest, obj: Subject, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            if change:
                current = Subject.objects.get(pk=obj.pk)
                subject_update(
                    actor=request.user, subject=current, name=data.get("name"), district=data.get("district")
                )
                return
            subject = subject_register(
                actor=request.user,
                kind=data["kind"],
                name=data["name"],
                uscc=data.get("uscc") or None,
                id_number=data.get("id_number") or None,
                legacy=bool(data.get("legacy")),
                district=data.get("district"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = subject.pk
