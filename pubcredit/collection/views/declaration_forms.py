"""Forms of the self-declaration pages; the declaration form is built from the item's field specs.

The forms only collect text: every value is checked by `declaration_submit` against the catalogue
field set, so that the page, the API and the tests refuse the same values with the same reasons.
Identity fields are not shown at all: they come from the subject's own record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from pubcredit.catalog.fields import FieldSpec
from pubcredit.catalog.models import CatalogItem
from pubcredit.collection.services.declarations import IDENTITY_ROLES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from pubcredit.core.proof_files import PROOF_FILE_ACCEPT

FIELD_PREFIX = "field_"
ACCEPT = PROOF_FILE_ACCEPT
REASON_MAX_LENGTH = 1000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks their number, size and content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        if not isinstance(field.widget, forms.FileInput):
            field.widget.attrs.setdefault("class", "pc-input")


class ItemChoiceForm(forms.Form):
    """Step one: which good-information item to declare."""

    item = forms.ChoiceField(label="申报事项")

    def __init__(self, *args: Any, items: Sequence[CatalogItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
        field = self.fields["item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "请选择……"), *((i.code, f"{i.name}（{i.code}）") for i in items)]


def _form_field(spec: FieldSpec, subject_kind: str) -> forms.Field:
    """A lenient text field: whether the value is acceptable is for the catalogue field set to say,
    so that every problem comes back at once, in the same words as from the API."""
    field: forms.Field
    if spec.type in ("enum", "bool"):
        choices = spec.choices if spec.type == "enum" else ("是", "否")
        field = forms.CharField(widget=forms.Select(choices=[("", "请选择……"), *((c, c) for c in choices)]))
    elif spec.type == "date":
        field = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}))
    elif spec.type == "text":
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    elif spec.type in ("decimal", "integer"):
        field = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    else:
        field = forms.CharField()
    field.label = spec.label
    field.required = False
    field.catalogue_required = spec.is_required_for(subject_kind)  # type: ignore[attr-defined]
    return field


def shown_specs(item: CatalogItem) -> list[FieldSpec]:
    """The item's fields the subject fills in: not identity, not the date asked for separately."""
    return [s for s in item.field_specs() if s.role not in IDENTITY_ROLES and s.role != "decided_on"]


class DeclarationForm(forms.Form):
    """Step two: the item's own fields, the date obtained, a statement and the proof files."""

    decided_on = forms.DateField(label="取得日期", widget=forms.DateInput(attrs={"type": "date"}))
    statement = forms.CharField(
        label="申报说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(
        label="证明材料",
        required=False,  # the service says why a declaration without proof is refused
        help_text=(
            f"原始证明材料的扫描件或照片：PDF、JPEG 或 PNG，每个不超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，"
            f"最多 {MAX_ATTACHMENTS} 个"
        ),
    )

    def __init__(self, *args: Any, item: CatalogItem, subject_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.specs = shown_specs(item)
        date_spec = next((s for s in item.field_specs() if s.role == "decided_on"), None)
        if date_spec is not None:
            self.fields["decided_on"].label = date_spec.label
        item_fields = {FIELD_PREFIX + spec.name: _form_field(spec, subject_kind) for spec in self.specs}
        # The item's fields first, then the date, the statement and the files.
        self.fields = {**item_fields, **self.fields}
        self.fields["attachments"].catalogue_required = True  # type: ignore[attr-defined]
        _styled(self)

    def item_fields(self) -> list[forms.BoundField]:
        return [self[FIELD_PREFIX + spec.name] for spec in self.specs]

    def other_fields(self) -> list[forms.BoundField]:
        return [self["decided_on"], self["statement"], self["attachments"]]

    def data_values(self) -> dict[str, Any]:
        """The item's values keyed by spec name, empty ones left out (the service decides on them)."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(FIELD_PREFIX + spec.name)
            if value not in (None, ""):
                out[spec.name] = value
        return out

    def form_field_for(self, spec_name: str) -> str | None:
        """The form field that shows a service problem about `spec_name`, if the page has one."""
        if spec_name in ("decided_on", "statement", "attachments"):
            return spec_name
        if any(spec.name == spec_name for spec in self.specs):
            return FIELD_PREFIX + spec_name
        date_spec = next((s for s in self.item.field_specs() if s.role == "decided_on"), None)
        if date_spec is not None and date_spec.name == spec_name:
            return "decided_on"
        return None


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label="审核意见（可选）",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class ReasonForm(forms.Form):
    """Rejecting or finding false needs a reason; it is shown to the subject."""

    reason = forms.CharField(
        label="理由",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写理由"},
    )

    def __init__(self, *args: Any, label: str = "理由", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = f"请填写{label}"
        _styled(self)
