"""Per-client limits on public search, so that the register cannot be scraped name by name.

A fixed window counter in the configured Django cache (local memory by default, one count per
server process; a shared cache such as Redis makes it one count per deployment). A client is an
API client when the request carries the bearer token of an active one, otherwise its IP address
(behind trusted reverse proxies, the forwarded one: pubcredit/core/client_address.py):
an unknown token counts against the address, so inventing tokens buys no extra searches.
The numbers are a platform setting (`PUBCREDIT_SEARCH_RATE` requests per
`PUBCREDIT_SEARCH_RATE_WINDOW` seconds), not a regulation value.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pubcredit.accounts.selectors import api_client_find_by_digest
from pubcredit.accounts.tokens import token_digest
from pubcredit.core.client_address import client_address

KEY_PREFIX = "pubcredit:search-rate"


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    window: int
    retry_after: int  # seconds until the window ends; 0 when allowed

    @property
    def message(self) -> str:
        return (
            f"查询过于频繁：每个访问者每{self.window}秒最多检索{self.limit}次，"
            f"请在{self.retry_after}秒后再试。如需批量查询，请向信用中心申请数据共享。"
        )


def search_client(request: HttpRequest) -> str:
    """Who is counted: an active API client by its id, anyone else by address (never stored raw)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        client = api_client_find_by_digest(token_digest(token.strip()))
        if client is not None and client.revoked_at is None:
            return f"client:{client.pk}"
    address = client_address(request)
    return "ip:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def search_rate_check(request: HttpRequest) -> RateDecision:
    """Count one search for the client and say whether it is within the limit."""
    limit: int = settings.PUBCREDIT_SEARCH_RATE
    window: int = settings.PUBCREDIT_SEARCH_RATE_WINDOW
    now = time.time()
    slot = math.floor(now / window)
    key = f"{KEY_PREFIX}:{search_client(request)}:{slot}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return RateDecision(allowed=True, limit=limit, window=window, retry_after=0)
    retry_after = max(1, math.ceil((slot + 1) * window - now))
    return RateDecision(allowed=False, limit=limit, window=window, retry_after=retry_after)


def search_rate_refused(request: HttpRequest, decision: RateDecision, *, partial: bool = False) -> HttpResponse:
    """The 429 page (or the fragment htmx swaps in) with the wait in Chinese and `Retry-After`."""
    template = "subjects/_search_rate_limited.html" if partial else "subjects/search_rate_limited.html"
    response = render(request, template, {"message": decision.message}, status=429)
    response["Retry-After"] = str(decision.retry_after)
    return response
