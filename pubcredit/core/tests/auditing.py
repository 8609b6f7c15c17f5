"""Test helpers for the append-only audit table.

The database refuses UPDATE/DELETE on `core_auditevent`; tests that must tamper with it (to prove
that `audit verify` notices) or that commit audit events (`transaction=True`, whose clean-up
deletes every row) lift the guard on their own connection:

- PostgreSQL: `SET pubcredit.audit_erase = 'on'` (honoured for superusers only; no DDL);
- SQLite: drop the triggers (SQLite has no session setting a trigger could read).

Tests that prove the refusal call `enforce_audit_append_only()` first, since an earlier
transactional test may have left the guard lifted on the shared test connection.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

_guard = importlib.import_module("pubcredit.core.migrations.0002_audit_append_only")


def permit_audit_erase() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET pubcredit.audit_erase = 'on'")
        else:
            for sql in _guard.SQLITE_REMOVE:
                cursor.execute(sql)


def enforce_audit_append_only() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("RESET pubcredit.audit_erase")
        else:
            for sql in _guard.SQLITE_INSTALL:
                cursor.execute(sql)


@contextmanager
def audit_erase_permitted() -> Iterator[None]:
    permit_audit_erase()
    try:
        yield
    finally:
        enforce_audit_append_only()


@pytest.fixture
def audit_erasable_after_test(transactional_db: None) -> Iterator[None]:
    """For `transaction=True` tests that commit audit events: lets the database reset afterwards."""
    yield
    permit_audit_erase()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def audit_log_erasable_after_transactional_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Autouse form of `audit_erasable_after_test` for a conftest: every transactional test cleans up."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    permit_audit_erase()
