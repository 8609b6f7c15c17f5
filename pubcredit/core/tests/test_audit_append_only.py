"""The database itself refuses to change or remove audit events."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from pubcredit.core.audit import audit_record
from pubcredit.core.models import AuditEvent
from pubcredit.core.tests.auditing import audit_erase_permitted, enforce_audit_append_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_events() -> None:
    enforce_audit_append_only()
    with transaction.atomic():
        audit_record(actor=None, action="test.one")
        audit_record(actor=None, action="test.two")


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(caught.value)


def test_update_is_refused_by_the_database(two_events: None) -> None:
    message = _refused("UPDATE core_auditevent SET action = 'test.changed' WHERE seq = 1")
    assert "append-only" in message
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(data={"x": 1})
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.one", "test.two"]


def test_delete_is_refused_by_the_database(two_events: None) -> None:
    assert "append-only" in _refused("DELETE FROM core_auditevent WHERE seq = 2")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2


@pytest.mark.postgres_only
def test_truncate_is_refused_on_postgresql(two_events: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    assert "append-only" in _refused("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 2


@pytest.mark.postgres_only
def test_truncating_an_empty_table_is_harmless_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    enforce_audit_append_only()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 0


def test_the_test_permit_lifts_the_guard_only_inside_it(two_events: None) -> None:
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(action="test.edited")
    assert AuditEvent.objects.get(seq=2).action == "test.edited"
    assert "append-only" in _refused("DELETE FROM core_auditevent")


def test_inserting_stays_possible(two_events: None) -> None:
    with transaction.atomic():
        third = audit_record(actor=None, action="test.three")
    assert third.seq == 3
