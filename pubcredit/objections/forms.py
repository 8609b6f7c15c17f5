"""Forms of the objection pages: shapes only; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from pubcredit.core.proof_files import PROOF_FILE_ACCEPT
from pubcredit.objections.models import Ground, ReviewResult
from pubcredit.objections.services import Answer
from pubcredit.records.models import Record

ACCEPT = PROOF_FILE_ACCEPT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks their number, size and first bytes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        if not isinstance(field.widget, forms.FileInput | forms.CheckboxInput | forms.CheckboxSelectMultiple):
            field.widget.attrs.setdefault("class", "pc-input")


def record_label(record: Record) -> str:
    decided = record.decided_on.isoformat()
    return f"记录 {record.pk}：{record.item.name}（{record.item_code}），{decided}，{record.provider}"


class ObjectionForm(forms.Form):
    records = forms.MultipleChoiceField(
        label="有异议的信用记录", widget=forms.CheckboxSelectMultiple, error_messages={"required": "请至少选择一条记录"}
    )
    ground = forms.ChoiceField(label="异议事由", choices=Ground.choices)
    statement = forms.CharField(label="异议说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    by_agent = forms.BooleanField(label="由委托代理人代为申请", required=False)
    authorisation_ref = forms.CharField(
        label="授权委托书编号", required=False, max_length=100, help_text="代理人申请时必填"
    )
    evidence = MultipleFileField(label="证明材料", help_text="PDF、JPEG 或 PNG，每个不超过 10 MB，最多 10 个")

    def __init__(self, *args: Any, records: list[Record], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(record.pk), record_label(record)) for record in records]
        self.fields["records"].choices = choices  # type: ignore[attr-defined]
        _styled(self)


class CounterForm(ObjectionForm):
    received_on = forms.DateField(
        label="收到书面申请日期", widget=forms.DateInput(attrs={"type": "date"}), help_text="按窗口实际收件日期录入"
    )


class SubjectLookupForm(forms.Form):
    identifier = forms.CharField(
        label="统一社会信用代码或身份证号码", max_length=18, min_length=18, help_text="按书面申请上的证件填写"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="核查结论",
        choices=[
            (Answer.CORRECTED, "信息有误，已更正"),
            (Answer.CONFIRMED, "经核实无误"),
            (Answer.UNVERIFIABLE, "无法核实"),
        ],
    )
    reason = forms.CharField(label="核查说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    values = forms.CharField(
        label="更正后的内容",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="仅在更正时填写，每行一项，格式：字段名=新值",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class CloseForm(forms.Form):
    note = forms.CharField(
        label="告知内容（可选）", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class DisagreeForm(forms.Form):
    text = forms.CharField(label="异议及理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class ReviewForm(forms.Form):
    result = forms.ChoiceField(label="复核结论", choices=ReviewResult.choices)
    reason = forms.CharField(label="复核意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


def parse_lines(text: str) -> dict[str, str]:
    """`name=value` per line into a dict; a line without "=" is refused by the caller's message."""
    values: dict[str, str] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise ValueError(line)
        values[name.strip()] = value.strip()
    return values
