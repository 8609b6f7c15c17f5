"""Public search is limited per client (address, or API client by token) in the configured cache."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from pubcredit.accounts.tests.factories import ApiClientFactory
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/subjects"
START = datetime(2026, 11, 22, 10, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def small_limit() -> Iterator[time_machine.Traveller]:
    cache.clear()
    OrgSubjectFactory.create(name="西安星火科技有限公司")
    with (
        override_settings(PUBCREDIT_SEARCH_RATE=3, PUBCREDIT_SEARCH_RATE_WINDOW=60),
        time_machine.travel(START, tick=False) as traveller,
    ):
        yield traveller
    cache.clear()


def test_portal_search_answers_429_in_chinese_after_the_limit_and_recovers(
    client: Client, small_limit: time_machine.Traveller
) -> None:
    url = reverse("portal:search")
    for _ in range(3):
        assert client.get(url, {"q": "星火"}).status_code == 200
    refused = client.get(url, {"q": "星火"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 55  # the 60-second window started 5 seconds before
    page = refused.content.decode()
    assert "查询过于频繁" in page and "每60秒最多检索3次" in page and "55秒后再试" in page
    assert "西安星火科技有限公司" not in page
    small_limit.shift(timedelta(seconds=55))
    answer = client.get(url, {"q": "星火"})
    assert answer.status_code == 200
    assert "西安星火科技有限公司" in answer.content.decode()


def test_htmx_request_gets_the_fragment(client: Client) -> None:
    url = reverse("portal:search")
    for _ in range(3):
        client.get(url, {"q": "星火"}, headers={"HX-Request": "true"})
    refused = client.get(url, {"q": "星火"}, headers={"HX-Request": "true"})
    assert refused.status_code == 429
    assert "查询过于频繁" in refused.content.decode()
    assert "<html" not in refused.content.decode()


def test_the_search_page_without_a_query_is_not_counted(client: Client) -> None:
    url = reverse("portal:search")
    for _ in range(5):
        assert client.get(url).status_code == 200
    assert client.get(url, {"q": "星火"}).status_code == 200


def test_api_search_answers_429_json_and_recovers(client: Client, small_limit: time_machine.Traveller) -> None:
    for _ in range(3):
        assert client.get(API, {"q": "星火"}).status_code == 200
    refused = client.get(API, {"q": "星火"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "55"
    body = refused.json()
    assert body["code"] == "rate_limited" and body["retry_after"] == 55
    assert "查询过于频繁" in body["message"]
    small_limit.shift(timedelta(seconds=60))
    assert client.get(API, {"q": "星火"}).json()[0]["name"] == "西安星火科技有限公司"


def test_each_address_has_its_own_count(client: Client) -> None:
    for _ in range(3):
        client.get(API, {"q": "星火"}, REMOTE_ADDR="10.0.0.1")
    assert client.get(API, {"q": "星火"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(API, {"q": "星火"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_api_client_token_has_its_own_count_and_an_invented_token_does_not(client: Client) -> None:
    api_client = ApiClientFactory.create()
    for _ in range(3):
        client.get(API, {"q": "星火"})
    assert client.get(API, {"q": "星火"}).status_code == 429
    assert client.get(API, {"q": "星火"}, headers={"Authorization": "Bearer invented-token"}).status_code == 429
    own = {"Authorization": f"Bearer {api_client.plain_token}"}
    for _ in range(3):
        assert client.get(API, {"q": "星火"}, headers=own).status_code == 200
    assert client.get(API, {"q": "星火"}, headers=own).status_code == 429


REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_or_skip() -> redis.Redis:
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (the shared-cache set-up is tested where one runs)")
    return server


def test_with_redis_the_count_is_kept_where_every_worker_sees_it(client: Client) -> None:
    """PUBCREDIT_CACHE_URL=redis://… : the limit is counted in Redis, so all workers share one count."""
    server = _redis_or_skip()
    server.flushdb()
    shared = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    try:
        with override_settings(CACHES=shared):
            for _ in range(3):
                assert client.get(API, {"q": "星火"}).status_code == 200
            assert [key for key in server.keys("*search-rate*")]  # the counter lives in Redis
            assert client.get(API, {"q": "星火"}).status_code == 429
    finally:
        server.flushdb()


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(client: Client) -> None:
    def search(forwarded: str) -> int:
        return client.get(API, {"q": "星火"}, HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2").status_code

    with override_settings(PUBCREDIT_TRUSTED_PROXIES=(ipaddress.ip_network("10.0.0.0/8"),)):
        assert [search("198.51.100.1") for _ in range(4)] == [200, 200, 200, 429]
        # Another client behind the same proxy has its own count; a forged left-hand entry changes nothing.
        assert search("198.51.100.2") == 200
        assert search("9.9.9.9, 198.51.100.1") == 429
