"""The audit log (审计日志): an append-only SM3 hash chain of every write and every non-public read.

Each event's hash covers the previous event's hash and the event's own canonical JSON, so editing,
deleting or re-ordering any stored event breaks the chain at that point (`pubcredit audit verify`).
`audit_record` runs inside the caller's transaction: the event commits or rolls back with the
write it describes, and writers are serialised so that two of them never chain onto the same head.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from pubcredit.core.crypto import mask_id_number, sm3_hex
from pubcredit.core.models import AuditEvent

GENESIS_HASH = "0" * 64
SYSTEM_LABEL = "system"
ANONYMOUS_LABEL = "anonymous"

# Any 64-bit constant; it only has to be the same for every writer of this table.
_PG_LOCK_KEY = 0x70_63_61_75_64_69_74  # "pcaudit"
_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")

Actor = AbstractBaseUser | AnonymousUser | None


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's `transaction.atomic()`."""
    if not connection.in_atomic_block:
        raise RuntimeError(
            "audit_record() must run inside transaction.atomic() so that the event commits with the write"
        )
    if not action or len(action) > 100:
        raise ValueError(f"audit action {action!r} must be 1 to 100 characters")
    clean_data = _clean_data(data or {})
    target_type, target_id = _target(target)
    actor_id, actor_label = actor_identity(actor)

    _lock_chain_head()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    occurred_at = timezone.now()
    fields = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "data": clean_data,
    }
    return AuditEvent.objects.create(**fields, prev_hash=prev_hash, hash=event_hash(prev_hash, fields))


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SM3(prev_hash || canonical JSON): sorted keys, no spaces, UTF-8, time as UTC ISO-8601 with microseconds."""
    occurred_at: datetime = fields["occurred_at"]
    payload = {
        "seq": fields["seq"],
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": fields["actor_id"],
        "actor_label": fields["actor_label"],
        "action": fields["action"],
        "target_type": fields["target_type"],
        "target_id": fields["target_id"],
        "data": fields["data"],
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return sm3_hex(prev_hash.encode("ascii") + canonical.encode("utf-8"))


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: `broken_seq` is the first event that does not verify."""

    events: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def verify_chain(events: Iterable[AuditEvent] | None = None, *, chunk_size: int = 2000) -> ChainReport:
    """Walk the events in seq order, in constant memory, and stop at the first broken link."""
    if events is None:
        events = _stream(chunk_size)
    count = 0
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for event in events:
        if event.seq != expected_seq:
            missing = f"seq={expected_seq}" if event.seq == expected_seq + 1 else f"seq={expected_seq}..{event.seq - 1}"
            return ChainReport(count, prev_hash, event.seq, f"gap in seq (event {missing} deleted)")
        fields = {name: getattr(event, name) for name in _HASHED_FIELDS}
        if event_hash(event.prev_hash, fields) != event.hash:
            return ChainReport(count, prev_hash, event.seq, "hash mismatch (the event was changed)")
        if event.prev_hash != prev_hash:
            return ChainReport(count, prev_hash, event.seq, "prev_hash mismatch (the chain was re-linked)")
        count += 1
        expected_seq += 1
        prev_hash = event.hash
    return ChainReport(count, prev_hash)


_HASHED_FIELDS = ("seq", "occurred_at", "actor_id", "actor_label", "action", "target_type", "target_id", "data")


def _stream(chunk_size: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)


def _lock_chain_head() -> None:
    """Serialise writers until the caller's transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the settings open every transaction
    with BEGIN IMMEDIATE, so the writer already holds the database's single write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _clean_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-normalise (dates, decimals, UUIDs become strings) so the stored value is the hashed value."""
    if not isinstance(data, Mapping):
        raise ValueError(f"audit data must be a mapping, not {type(data).__name__}")
    try:
        text = json.dumps(dict(data), cls=DjangoJSONEncoder, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"audit data is not JSON-serialisable: {exc}") from exc
    clean: dict[str, Any] = json.loads(text)
    for path, value in _strings(clean, "data"):
        if _ID_NUMBER.search(value):
            raise ValueError(
                f"audit data at {path} contains what looks like an 18-digit ID number; "
                "personal identifiers must never be written to the audit log (refer to the subject by id)"
            )
    return clean


def audit_text(value: str) -> str:
    """A free value (a reference, a file name, a digest) fit for the audit data.

    An 18-digit run is masked, whatever it is: a provider's 决定书文号 or an SM3 digest can contain
    one by chance, and the log refuses anything shaped like an ID number.
    """
    return _ID_NUMBER.sub(lambda match: mask_id_number(match.group(0)), value)


def audit_digest(hex_digest: str) -> str:
    """A hex digest written whole but in groups of 16: about one SM3 in a hundred has a run of 18
    digits, which `audit_text` would mask and the log would otherwise refuse. Drop the dashes to
    compare it with the digest."""
    return "-".join(hex_digest[i : i + 16] for i in range(0, len(hex_digest), 16))


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path} key", key
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _target(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if target.pk is None:
        raise ValueError(f"audit target {type(target).__name__} has not been saved yet (no primary key)")
    return target._meta.label_lower, str(target.pk)


def actor_identity(actor: Actor) -> tuple[int | None, str]:
    """The (id, label) an event keeps of its actor; the label stays readable after the account is gone."""
    if actor is None:
        return None, SYSTEM_LABEL
    if not actor.is_authenticated or actor.pk is None:
        return None, ANONYMOUS_LABEL
    display = str(getattr(actor, "display_name", "") or "").strip()
    username = actor.get_username()
    label = f"{display} ({username})" if display and display != username else username
    # A username may itself be an ID number; the log keeps only its masked form.
    return int(actor.pk), audit_text(label)[:150]
