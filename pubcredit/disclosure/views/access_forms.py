"""Forms of the authorisation and sharing pages. They only collect values: the services check
every one (items in force, dates, purpose, file content) so pages, API and tests refuse alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet

from pubcredit.accounts.models import Organisation
from pubcredit.catalog.models import CatalogItem

REASON_MAX_LENGTH = 1000


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        if not isinstance(field.widget, forms.FileInput | forms.CheckboxSelectMultiple):
            field.widget.attrs.setdefault("class", "pc-input")


def _item_choices(items: Sequence[CatalogItem]) -> list[tuple[str, str]]:
    return [(item.code, f"{item.name}（{item.code}，{item.get_openness_display()}）") for item in items]


class BlankOnRedisplay(forms.TextInput):
    """An ID number is never written back into a re-displayed page (or a browser's form cache)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


class OrganisationField(forms.ModelChoiceField):
    """Units listed by their full name: short names repeat across districts."""

    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class _Grant(forms.Form):
    item_codes = forms.MultipleChoiceField(label="授权查询的信息事项", widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(
        label="查询用途", max_length=200, help_text="被授权方只能按此用途使用信息（大连 第十二条）"
    )
    valid_from = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_until = forms.DateField(
        label="截止日期（含当日）",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="过了这一天授权自动失效",
    )

    def __init__(self, *args: Any, items: Sequence[CatalogItem], today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_from": today})
        super().__init__(*args, **kwargs)
        codes = self.fields["item_codes"]
        assert isinstance(codes, forms.MultipleChoiceField)
        codes.choices = _item_choices(items)
        _styled(self)


class GrantForm(_Grant):
    """The subject's account authorises a unit on the platform."""

    requester_organisation = OrganisationField(
        label="被授权单位", queryset=Organisation.objects.none(), empty_label="请选择"
    )
    field_order = ["requester_organisation", "item_codes", "purpose", "valid_from", "valid_until"]

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        items: Sequence[CatalogItem],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, items=items, today=today, **kwargs)
        field = self.fields["requester_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class WrittenForm(_Grant):
    """A requester registers the subject's signed written authorisation."""

    uscc = forms.CharField(label="信息主体统一社会信用代码", max_length=40, required=False)
    id_number = forms.CharField(
        label="信息主体身份证号码",
        max_length=40,
        required=False,
        help_text="自然人填写；只在本表单中提交，不会出现在网址中",
        widget=BlankOnRedisplay(attrs={"autocomplete": "off"}),
    )
    document = forms.FileField(
        label="书面授权文件", help_text="信息主体签章的书面授权书扫描件，PDF、JPEG 或 PNG，不超过 10 MB"
    )
    field_order = ["uscc", "id_number", "item_codes", "purpose", "valid_from", "valid_until", "document"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("uscc")) == bool(cleaned.get("id_number")):
            self.add_error("uscc", "请填写统一社会信用代码或身份证号码之一")
        return cleaned


class AgreementForm(forms.Form):
    consumer = OrganisationField(label="信息使用单位", queryset=Organisation.objects.none(), empty_label="请选择")
    item_codes = forms.MultipleChoiceField(label="共享的信息事项", widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label="共享用途", max_length=200)
    legal_basis = forms.CharField(label="法律依据", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    valid_from = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_until = forms.DateField(
        label="截止日期（含当日）", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(
        self, *args: Any, consumers: QuerySet[Organisation], items: Sequence[CatalogItem], today: dt.date, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"valid_from": today})
        super().__init__(*args, **kwargs)
        field = self.fields["consumer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = consumers
        codes = self.fields["item_codes"]
        assert isinstance(codes, forms.MultipleChoiceField)
        codes.choices = _item_choices(items)
        _styled(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, label: str = "理由", required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required
        _styled(self)
