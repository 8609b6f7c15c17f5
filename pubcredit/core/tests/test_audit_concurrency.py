"""Concurrent writers never fork the chain: each appends onto the head the previous one committed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from pubcredit.core.audit import audit_record, verify_chain
from pubcredit.core.models import AuditEvent

WRITERS = 6
EVENTS_EACH = 15


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database is in memory and shared-cache; its writers are serialised anyway")
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_EACH):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", data={"writer": number, "i": i})
        except BaseException as exc:  # reported below; a thread's exception would otherwise vanish
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    report = verify_chain()
    assert report.intact, report.reason
    assert report.events == WRITERS * EVENTS_EACH
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, WRITERS * EVENTS_EACH + 1)
    )
    per_writer = {n: AuditEvent.objects.filter(data__writer=n).count() for n in range(WRITERS)}
    assert per_writer == dict.fromkeys(range(WRITERS), EVENTS_EACH)
