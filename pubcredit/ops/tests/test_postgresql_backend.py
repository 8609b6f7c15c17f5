"""The PostgreSQL backend: pings only idle connections, recovers from a broken one, prepares the
public look-up."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections

from pubcredit.disclosure.selectors.public_rows import public_subject_rows

pytestmark = [pytest.mark.postgres_only]


def _wrapper() -> Any:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backend")
    return connections["default"]


def _terminate(wrapper: Any) -> int:
    """End the wrapper's server process from another session, as a server restart would."""
    pid = wrapper.connection.info.backend_pid
    params = {k: v for k, v in wrapper.get_connection_params().items() if k in {"dbname", "host", "port", "user"}}
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    return int(pid)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_a_connection_busy_a_moment_ago_is_not_pinged() -> None:
    wrapper = _wrapper()
    wrapper.ensure_connection()
    wrapper.close_if_unusable_or_obsolete()  # the end of one request
    wrapper.close_if_unusable_or_obsolete()  # the start of the next, at once
    assert wrapper.health_check_done


@pytest.mark.django_db(transaction=True)
def test_an_idle_broken_connection_is_replaced_before_the_request_uses_it() -> None:
    wrapper = _wrapper()
    wrapper.ensure_connection()
    old = _terminate(wrapper)
    wrapper._released_at = time.monotonic() - settings.PUBCREDIT_DB_PING_AFTER_SECONDS - 1
    wrapper.close_if_unusable_or_obsolete()  # request start after a quiet spell
    assert not wrapper.health_check_done
    assert _backend_pid() != old  # pinged, found dead, reconnected: the request never saw it


@pytest.mark.django_db(transaction=True)
def test_a_busy_broken_connection_fails_one_request_and_the_next_recovers() -> None:
    wrapper = _wrapper()
    wrapper.ensure_connection()
    wrapper.close_if_unusable_or_obsolete()
    old = _terminate(wrapper)
    wrapper.close_if_unusable_or_obsolete()  # request start: busy, so not pinged
    with pytest.raises(OperationalError):
        _backend_pid()
    wrapper.close_if_unusable_or_obsolete()  # request end: the error makes Django check and close it
    wrapper.close_if_unusable_or_obsolete()  # next request start
    assert _backend_pid() != old


@pytest.mark.django_db
def test_the_public_look_up_is_prepared_once_per_connection() -> None:
    _wrapper()
    for _ in range(3):
        subject, rows = public_subject_rows("91610000000000000X", dt.date(2026, 12, 6), hiding_allowed=False)
        assert subject is None and rows == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["WITH s AS%"])
        assert cursor.fetchone()[0] == 1
