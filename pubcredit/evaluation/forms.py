"""Forms of the farmer rating pages. They only collect input; the services check it."""

from __future__ import annotations

from typing import Any

from django import forms

from pubcredit.evaluation.models import FarmerGrade, RatingGroup
from pubcredit.evaluation.rules import CONDITIONS
from pubcredit.evaluation.services import MAX_TEXT

_TEXTAREA = {"rows": 3, "class": "pc-input"}


class ProposeForm(forms.Form):
    village = forms.ModelChoiceField(label="行政村评价小组", queryset=RatingGroup.objects.none(), empty_label=None)
    id_number = forms.CharField(
        label="农户身份证号码",
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "pc-input"}),
    )
    grade = forms.ChoiceField(label="初评等级", choices=FarmerGrade.choices)
    note = forms.CharField(label="初评意见", max_length=MAX_TEXT, widget=forms.Textarea(attrs=_TEXTAREA))

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        for code, label in CONDITIONS.items():
            self.fields[f"cond_{code}"] = forms.BooleanField(label=label, required=False)

    def condition_fields(self) -> list[forms.BoundField]:
        return [self[f"cond_{code}"] for code in CONDITIONS]

    def attested(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(f"cond_{code}")) for code in CONDITIONS}


class ReviewForm(forms.Form):
    grade = forms.ChoiceField(label="复审等级", choices=FarmerGrade.choices)
    note = forms.CharField(label="复审意见", max_length=MAX_TEXT, widget=forms.Textarea(attrs=_TEXTAREA))


class ObjectionForm(forms.Form):
    raised_by_name = forms.CharField(label="异议人", max_length=50, widget=forms.TextInput(attrs={"class": "pc-input"}))
    statement = forms.CharField(label="异议内容", max_length=MAX_TEXT, widget=forms.Textarea(attrs=_TEXTAREA))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=MAX_TEXT, widget=forms.Textarea(attrs=_TEXTAREA))
