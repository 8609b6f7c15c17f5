"""The client's address: REMOTE_ADDR, or behind a trusted proxy the last hop it did not add itself."""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from config.env import networks
from pubcredit.core.client_address import client_address
from pubcredit.core.errors import ConfigurationError

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.7/32"))


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    if forwarded is None:
        return RequestFactory().get("/", REMOTE_ADDR=remote)
    return RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(PUBCREDIT_TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),  # one proxy
        ("10.1.2.3", "1.1.1.1, 198.51.100.1, 192.0.2.7", "198.51.100.1"),  # two proxies; a forged left entry
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from a proxy: the header is the client's own
        ("10.1.2.3", "", "10.1.2.3"),  # a proxy that forwarded nothing
        ("10.1.2.3", "10.0.0.5, 10.9.9.9", "10.1.2.3"),  # only proxies
        ("10.1.2.3", "198.51.100.1, not-an-address", "10.1.2.3"),  # malformed last hop
        ("10.1.2.3", " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies(remote: str, forwarded: str, expected: str):
    assert client_address(_request(remote, forwarded)) == expected


def test_a_bad_proxy_setting_stops_start_up_naming_the_value(monkeypatch):
    monkeypatch.setenv("PUBCREDIT_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")
    with pytest.raises(ConfigurationError, match=r"'proxy\.local'"):
        networks("PUBCREDIT_TRUSTED_PROXIES")
    monkeypatch.setenv("PUBCREDIT_TRUSTED_PROXIES", "10.0.0.0/8,192.0.2.7")
    assert networks("PUBCREDIT_TRUSTED_PROXIES") == PROXIES
