"""Public pages of the exchange: the shared-resource catalogue and the platform's exchange key."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pubcredit.core.errors import ConfigurationError
from pubcredit.exchange.selectors import shared_catalogue
from pubcredit.exchange.signing import ALGORITHM, key_id, public_key_pem


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "exchange/catalogue.html", {"items": shared_catalogue()})


@require_GET
def key(request: HttpRequest) -> HttpResponse:
    try:
        public = public_key_pem()
    except ConfigurationError:
        public = ""
    return render(
        request,
        "exchange/key.html",
        {"public_key": public, "key_id": key_id(public) if public else "", "algorithm": ALGORITHM},
    )
