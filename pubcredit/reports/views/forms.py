"""Forms of the report pages. They only collect input: `report_generate` checks it, so the page
and the tests refuse the same input with the same reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from pubcredit.reports.models import ReportKind
from pubcredit.reports.rules import SPECIAL_FIELDS

# Platform default, not a regulation: the span a report covers unless the subject picks another.
DEFAULT_SPAN_YEARS = 3
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def default_span(today: dt.date) -> tuple[dt.date, dt.date]:
    try:
        start = today.replace(year=today.year - DEFAULT_SPAN_YEARS)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - DEFAULT_SPAN_YEARS, day=28)
    return start, today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", attrs={"class": "pc-input"}, **kwargs)


class SpanForm(forms.Form):
    span_from = forms.DateField(label="时间范围起", widget=DateInput())
    span_to = forms.DateField(label="时间范围止", widget=DateInput())


class GenerateForm(SpanForm):
    kind = forms.ChoiceField(label="报告版本", choices=ReportKind.choices, widget=forms.RadioSelect)
    special_fields = forms.MultipleChoiceField(
        label="证明事项（信用代证专用版）",
        choices=[(f.code, f.label) for f in SPECIAL_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    uscc = forms.CharField(
        label="信息主体统一社会信用代码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"class": "pc-input", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, operator: bool = False, subject: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not operator:
            del self.fields["uscc"]
        if not subject:  # operators generate the public version only
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [(ReportKind.PUBLIC.value, ReportKind.PUBLIC.label)]
            del self.fields["special_fields"]


class AuthorisedForm(SpanForm):
    authorisation = forms.IntegerField(widget=forms.HiddenInput)
    purpose = forms.CharField(label="查询用途", max_length=200, widget=forms.TextInput(attrs={"class": "pc-input"}))


class VerifyForm(forms.Form):
    file = forms.FileField(label="报告文件（PDF）", required=False)
    sm3 = forms.CharField(
        label="或输入文件的 SM3 摘要",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"class": "pc-input", "autocomplete": "off", "spellcheck": "false"}),
    )


class LookupForm(forms.Form):
    number = forms.CharField(
        label="报告编号", max_length=40, widget=forms.TextInput(attrs={"class": "pc-input", "autocomplete": "off"})
    )
