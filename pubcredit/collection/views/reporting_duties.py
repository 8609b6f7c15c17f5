"""The centre's page for providers' reporting duties (报送义务): set, change and end them.

Thin: the services decide who may and what is valid (西安 第三十四条 puts 催报 with the credit
centre's side); the page shows their refusal in place and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from pubcredit.accounts.actors import actor_may
from pubcredit.accounts.models import Organisation, ReportingFrequency
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.collection.selectors.reporting import reporting_duties_visible_to
from pubcredit.collection.services.reporting import reporting_duty_deactivate, reporting_duty_set
from pubcredit.collection.views.reporting import duty_rows
from pubcredit.core.errors import DomainError, NotFound, ValidationFailed
from pubcredit.core.roles import Role


class DutyForm(forms.Form):
    provider = forms.TypedChoiceField(label="信息提供单位", coerce=int)
    item_code = forms.ChoiceField(label="目录项")
    frequency = forms.ChoiceField(label="报送频率", choices=ReportingFrequency.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = Organisation.objects.filter(is_provider=True, active=True).order_by("name")
        provider, item_code = self.fields["provider"], self.fields["item_code"]
        assert isinstance(provider, forms.ChoiceField) and isinstance(item_code, forms.ChoiceField)
        provider.choices = [(org.pk, org.name) for org in providers]
        items = catalog_items_published(on=timezone.localdate()).order_by("code")
        item_code.choices = [(item.code, f"{item.code} {item.name}") for item in items]


class EndForm(forms.Form):
    provider = forms.IntegerField(widget=forms.HiddenInput)
    item_code = forms.CharField(widget=forms.HiddenInput, max_length=20)


def _provider(pk: int) -> Organisation:
    provider = Organisation.objects.filter(pk=pk).first()
    if provider is None:
        raise NotFound(f"信息提供单位“{pk}”不存在", field="provider")
    return provider


@require_http_methods(["GET", "POST"])
@login_required
def reporting_duties_manage(request: HttpRequest) -> HttpResponse:
    if not actor_may(request.user, Role.OPERATOR):
        raise DjangoPermissionDenied("只有信用中心可以设定报送义务")
    form = DutyForm(request.POST if request.POST.get("action") == "set" else None)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "end":
                end = EndForm(request.POST)
                if not end.is_valid():
                    raise ValidationFailed("停止报送义务的请求缺少单位或目录项")
                reporting_duty_deactivate(
                    actor=request.user,
                    provider=_provider(end.cleaned_data["provider"]),
                    item_code=end.cleaned_data["item_code"],
                )
                return redirect("collection:reporting_duties")
            if form.is_valid():
                reporting_duty_set(
                    actor=request.user,
                    provider=_provider(form.cleaned_data["provider"]),
                    item_code=form.cleaned_data["item_code"],
                    frequency=form.cleaned_data["frequency"],
                )
                return redirect("collection:reporting_duties")
        except DomainError as exc:
            error = exc.message
    duties = list(
        reporting_duties_visible_to(request.user)
        .filter(active=True)
        .select_related("provider")
        .order_by("provider__name", "item_code")
    )
    invalid = request.method == "POST" and (bool(error) or not form.is_valid())
    return render(
        request,
        "collection/reporting_duties_manage.html",
        {"form": form, "error": error, "duties": duty_rows(duties, timezone.localdate())},
        status=400 if invalid else 200,
    )
