"""Forms of the list pages: entering a subject, ending an entry, voiding a wrong listing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from pubcredit.core.proof_files import PROOF_FILE_ACCEPT
from pubcredit.lists.models import ExitReason, ListType
from pubcredit.lists.rules import MANUAL_EXITS


class EntryForm(forms.Form):
    list_type = forms.ModelChoiceField(label="名单类型", queryset=ListType.objects.none(), empty_label=None)
    subject_code = forms.CharField(
        label="主体统一社会信用代码或身份证号码", max_length=18, help_text="自然人以身份证号码查找，页面不显示号码"
    )
    decision_number = forms.CharField(label="认定决定书文号", max_length=200)
    decided_on = forms.DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
    starts_on = forms.DateField(
        label="列入日期", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="为空则为认定日期"
    )
    reason = forms.CharField(label="列入事由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    repair_notice = forms.CharField(
        label="信用修复告知书",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="列入失信名单时必填：与认定决定书同时送达（两书同达）",
    )
    records = forms.CharField(
        label="依据的信用记录编号", required=False, max_length=600, help_text="本部门提供的记录编号，以逗号分隔"
    )
    decision_file = forms.FileField(
        label="认定决定书（PDF 或图片）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PROOF_FILE_ACCEPT}),
    )

    def __init__(self, *args: Any, list_types: QuerySet[ListType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["list_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = list_types

    def clean_records(self) -> list[int]:
        raw = self.cleaned_data.get("records") or ""
        ids: list[int] = []
        for part in raw.replace("，", ",").split(","):
            text = part.strip()
            if not text:
                continue
            if not text.isdigit():
                raise forms.ValidationError(f"记录编号“{text[:20]}”不是数字")
            ids.append(int(text))
        return ids


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label="移出原因", choices=[(r.value, r.label) for r in ExitReason if r in MANUAL_EXITS])
    note = forms.CharField(label="移出说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    reference = forms.CharField(label="依据编号（修复决定、异议编号等）", required=False, max_length=60)


class VoidForm(forms.Form):
    note = forms.CharField(label="错误列入的说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
