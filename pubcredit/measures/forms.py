"""Forms of the measure pages: task feedback, a credit check, check feedback."""

from __future__ import annotations

from django import forms

from pubcredit.measures.models import BusinessType, CheckOutcome, TaskState


class TaskFeedbackForm(forms.Form):
    state = forms.ChoiceField(
        label="执行情况",
        choices=[
            (TaskState.APPLIED, TaskState.APPLIED.label),
            (TaskState.NOT_APPLICABLE, TaskState.NOT_APPLICABLE.label),
        ],
    )
    applied_on = forms.DateField(label="实施日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label="说明（不适用时须写明理由）", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CheckForm(forms.Form):
    subject_code = forms.CharField(label="主体统一社会信用代码或身份证号码", max_length=18)
    business_type = forms.ChoiceField(label="业务类型", choices=BusinessType.choices)
    business_reference = forms.CharField(label="本部门业务编号", required=False, max_length=100)


class CheckFeedbackForm(forms.Form):
    outcome = forms.ChoiceField(
        label="执行情况",
        choices=[
            (CheckOutcome.APPLIED, CheckOutcome.APPLIED.label),
            (CheckOutcome.NOT_APPLIED, CheckOutcome.NOT_APPLIED.label),
        ],
    )
    measures = forms.MultipleChoiceField(label="已实施的措施", required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: object, offered: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["measures"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = offered
