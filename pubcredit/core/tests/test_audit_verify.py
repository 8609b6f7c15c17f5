"""`pubcredit audit verify` names the first event that was edited or deleted."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from pubcredit.core.audit import audit_record
from pubcredit.core.models import AuditEvent
from pubcredit.core.tests.auditing import audit_erase_permitted

pytestmark = pytest.mark.django_db


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--chunk-size", "2", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def five_events() -> list[str]:
    with transaction.atomic():
        return [audit_record(actor=None, action=f"test.e{i}", data={"i": i}).hash for i in range(1, 6)]


def test_an_intact_chain(five_events: list[str]) -> None:
    assert _verify() == (0, f"audit chain intact: 5 events, head {five_events[-1][:16]}\n")


def test_an_empty_chain() -> None:
    assert _verify() == (0, "audit chain intact: 0 events, head 0000000000000000\n")


def test_edited_data_is_found(five_events: list[str]) -> None:
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(seq=3).update(data={"i": 30})
    code, message = _verify()
    assert code == 1
    assert message.startswith("audit chain broken at event seq=3: hash mismatch")


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(five_events: list[str]) -> None:
    from pubcredit.core.audit import event_hash

    event = AuditEvent.objects.get(seq=2)
    fields = {f: getattr(event, f) for f in ("seq", "occurred_at", "actor_id", "actor_label", "action", "target_type")}
    fields |= {"target_id": event.target_id, "data": {"i": 20}}
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(data={"i": 20}, hash=event_hash(event.prev_hash, fields))
    code, message = _verify()
    assert code == 1
    assert message.startswith("audit chain broken at event seq=3: prev_hash mismatch")


def test_a_deleted_middle_event_is_found(five_events: list[str]) -> None:
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(seq=3).delete()
    code, message = _verify()
    assert code == 1
    assert message.startswith("audit chain broken at event seq=4: gap in seq (event seq=3 deleted)")


def test_a_deleted_first_event_is_found(five_events: list[str]) -> None:
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(seq__in=[1, 2]).delete()
    code, message = _verify()
    assert code == 1
    assert message.startswith("audit chain broken at event seq=3: gap in seq (event seq=1..2 deleted)")


def test_an_edited_last_event_is_found(five_events: list[str]) -> None:
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(seq=5).update(actor_label="someone else")
    code, message = _verify()
    assert code == 1
    assert message.startswith("audit chain broken at event seq=5: hash mismatch")


def test_the_first_of_several_breaks_is_named(five_events: list[str]) -> None:
    with audit_erase_permitted(), transaction.atomic():
        AuditEvent.objects.filter(seq=4).update(action="test.changed")
        AuditEvent.objects.filter(seq=2).update(target_id="999")
    assert _verify()[1].startswith("audit chain broken at event seq=2: hash mismatch")
