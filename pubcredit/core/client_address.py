"""The address of the client behind a request, for per-client limits and security logs.

Behind a reverse proxy every request arrives from the proxy's address, so limits keyed on
REMOTE_ADDR would count all clients as one. X-Forwarded-For cannot simply be trusted either: the
client writes its left-hand entries. So the header is read only when the request comes from a
proxy named in `PUBCREDIT_TRUSTED_PROXIES`, and the client is the right-most entry that is not
itself a trusted proxy (each proxy appends the address it received the request from).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in settings.PUBCREDIT_TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    if not settings.PUBCREDIT_TRUSTED_PROXIES or not _trusted(remote):
        return remote
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(chain):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed entry after the last proxy: fall back to the proxy
    return remote
