"""audit_record: the chain, the actor, the target, and what must never be written."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.core.audit import GENESIS_HASH, audit_record, event_hash, verify_chain
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.models import AuditEvent, CalendarYear

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 11, 22, 9, 30, tzinfo=UTC), tick=False)
def test_first_event_chains_onto_the_genesis_hash(plain_user: Any) -> None:
    target = CalendarYear.objects.create(year=2027)
    with transaction.atomic():
        event = audit_record(actor=plain_user, action="calendar.edit", target=target, data={"year": 2027})
    assert event.seq == 1
    assert event.prev_hash == GENESIS_HASH
    assert event.actor_id == plain_user.pk
    assert event.actor_label == "plain-user"
    assert event.target_type == "core.calendaryear"
    assert event.target_id == str(target.pk)
    assert event.occurred_at == datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    canonical = (
        f'{{"action":"calendar.edit","actor_id":{plain_user.pk},"actor_label":"plain-user","data":{{"year":2027}},'
        f'"occurred_at":"2026-11-22T09:30:00.000000+00:00","seq":1,"target_id":"{target.pk}",'
        '"target_type":"core.calendaryear"}'
    )
    assert event.hash == sm3_hex(GENESIS_HASH.encode() + canonical.encode())


def test_events_chain_and_survive_a_round_trip_through_the_database() -> None:
    with transaction.atomic():
        first = audit_record(actor=None, action="system.start", data={"名称": "西安", "n": 1.5, "d": Decimal("2.50")})
        second = audit_record(actor=AnonymousUser(), action="portal.search", data={"nested": {"b": [1, "二"]}})
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert first.actor_label == "system" and first.actor_id is None
    assert second.actor_label == "anonymous"
    stored = AuditEvent.objects.get(seq=1)
    assert stored.data == {"名称": "西安", "n": 1.5, "d": "2.50"}
    fields = {f: getattr(stored, f) for f in ("seq", "occurred_at", "actor_id", "actor_label", "action")}
    fields |= {"target_type": stored.target_type, "target_id": stored.target_id, "data": stored.data}
    assert event_hash(stored.prev_hash, fields) == stored.hash
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        audit_record(actor=None, action="x.y")
    assert not AuditEvent.objects.exists()


def test_event_rolls_back_with_the_write() -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        CalendarYear.objects.create(year=2031)
        audit_record(actor=None, action="calendar.edit", data={"year": 2031})
        1 / 0  # noqa: B018
    assert not AuditEvent.objects.exists()
    assert not CalendarYear.objects.filter(year=2031).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"id_number": "610103199001011234"},
        {"note": "申请人身份证 61010319900101123X 已核验"},
        {"people": [{"id": "61010319900101123x"}]},
        {"610103199001011234": "as a key"},
    ],
)
def test_plaintext_id_numbers_are_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="ID number") as caught, transaction.atomic():
        audit_record(actor=None, action="subject.register", data=data)
    assert "610103" not in str(caught.value)
    assert not AuditEvent.objects.exists()


def test_longer_digit_runs_and_masked_numbers_are_accepted() -> None:
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="batch.upload",
            data={"batch_no": "20261122000000000001", "masked": "610103********1234", "rows": 123456789012345678},
        )
    assert event.data["masked"] == "610103********1234"


@given(
    prefix=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=5),
    digits=st.text(alphabet="0123456789", min_size=17, max_size=17),
    check=st.sampled_from("0123456789Xx"),
)
def test_any_18_character_id_pattern_is_refused(prefix: str, digits: str, check: str) -> None:
    with pytest.raises(ValueError, match="ID number"), transaction.atomic():
        audit_record(actor=None, action="subject.register", data={"v": f"{prefix}{digits}{check}"})


def test_unsaved_target_and_bad_data_are_refused() -> None:
    with transaction.atomic():
        with pytest.raises(ValueError, match="not been saved"):
            audit_record(actor=None, action="x.y", target=CalendarYear(year=2040))
        with pytest.raises(ValueError, match="JSON"):
            audit_record(actor=None, action="x.y", data={"when": object()})
        with pytest.raises(ValueError, match="JSON"):
            audit_record(actor=None, action="x.y", data={"n": float("nan")})
        with pytest.raises(ValueError, match="action"):
            audit_record(actor=None, action="")


def test_a_username_that_is_an_id_number_is_masked(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="610103199001011234", password="x" * 12)
    with transaction.atomic():
        event = audit_record(actor=user, action="account.login")
    assert event.actor_label == "610103********1234"


def test_stored_events_cannot_be_changed_through_the_model() -> None:
    with transaction.atomic():
        event = audit_record(actor=None, action="x.y")
    event.action = "x.z"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
