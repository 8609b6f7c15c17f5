"""Forms of the repair pages. They only collect input: `repair_apply` and `repair_decide` check
it, so that the page, the API and the tests refuse the same input with the same reasons."""

from __future__ import annotations

from typing import Any

from django import forms

from pubcredit.core.proof_files import PROOF_FILE_ACCEPT
from pubcredit.core.text_input import MAX_TEXT
from pubcredit.repairs.rules import COMMITMENT_TEXT
from pubcredit.repairs.services import MAX_PROOF_BYTES, MAX_PROOFS

ACCEPT = PROOF_FILE_ACCEPT
INTENTIONAL_CHOICES = [("no", "否，失信行为非因主观故意"), ("yes", "是，失信行为出于主观故意")]


class ProofInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ProofsField(forms.FileField):
    """Several proof files under one name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", ProofInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class ApplyForm(forms.Form):
    ground = forms.CharField(
        label="申请理由（履行法定义务、纠正失信行为、消除不良影响的情况）",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5, "class": "pc-input"}),
    )
    intentional = forms.ChoiceField(
        label="失信行为是否出于主观故意", choices=INTENTIONAL_CHOICES, widget=forms.RadioSelect, required=False
    )
    proofs = ProofsField(
        label="履行义务的证明材料",
        required=False,
        help_text=f"PDF、JPEG 或 PNG，最多 {MAX_PROOFS} 个文件，每个不超过 {MAX_PROOF_BYTES // (1024 * 1024)} MB",
    )
    commitment = forms.BooleanField(label="本主体已阅读并签署上述信用承诺书", required=False)

    def __init__(self, *args: Any, asks_intentional: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commitment_text = COMMITMENT_TEXT
        if not asks_intentional:
            del self.fields["intentional"]

    def intentional_value(self) -> bool | None:
        value = self.cleaned_data.get("intentional")
        return {"yes": True, "no": False}.get(value or "")


class DecideForm(forms.Form):
    reason = forms.CharField(
        label="决定理由",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "pc-input"}),
    )
