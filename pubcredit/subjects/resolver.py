"""Finding or registering many subjects at once, for batches of records.

A provider's file names each subject by its identifier; a million-row file names a few hundred
thousand of them. The resolver looks identifiers up by the thousand, registers the unknown ones
with one bulk insert (concurrent batches registering the same subject meet the unique index and
simply read it back), and writes one audit event per insert instead of one per subject.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from pubcredit.accounts.actors import Actor, audit_identity
from pubcredit.core.audit import audit_record
from pubcredit.core.crypto import blind_index
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.rules import PolicyReader
from pubcredit.subjects.services import check_may_register, subject_fields

_LOOKUP = 2000
_COLUMNS = (
    "kind",
    "name",
    "name_normalized",
    "uscc",
    "uscc_legacy",
    "id_number_cipher",
    "id_number_index",
    "id_number_masked",
    "district",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class Wanted:
    """A subject as a row names it; `id_number` is the checked plain number (never stored here)."""

    kind: str
    name: str
    uscc: str | None = None
    id_number: str | None = None


class SubjectResolver:
    """Subject ids by identifier for one batch; call `resolve` once per chunk of rows."""

    def __init__(self, *, actor: Actor, on_date: date, policy: PolicyReader, context: dict[str, Any]) -> None:
        check_may_register(actor)
        self._actor = actor
        self._on_date = on_date
        self._policy = policy
        self._context = context
        self._orgs: dict[str, int] = {}
        self._persons: dict[str, int] = {}  # blind index -> id
        self._index_of: dict[str, str] = {}  # plain id number -> blind index
        self.registered = 0

    def key(self, wanted: Wanted) -> tuple[str, str]:
        if wanted.kind == SubjectKind.ORG:
            assert wanted.uscc is not None
            return ("org", wanted.uscc)
        assert wanted.id_number is not None
        index = self._index_of.get(wanted.id_number)
        if index is None:
            index = self._index_of[wanted.id_number] = blind_index(wanted.id_number)
        return ("person", index)

    def known(self, key: tuple[str, str]) -> int | None:
        return (self._orgs if key[0] == "org" else self._persons).get(key[1])

    def _lookup(self, kind: str, values: list[str]) -> None:
        """One parameter per statement (an array, or a JSON list on SQLite), not one per value:
        building and parsing `IN (%s, %s, …)` for thousands of values costs more than the look-up."""
        column = "uscc" if kind == "org" else "id_number_index"
        target = self._orgs if kind == "org" else self._persons
        qn = connection.ops.quote_name
        table = qn(Subject._meta.db_table)
        postgres = connection.vendor == "postgresql"
        matches = "= ANY(%s)" if postgres else "IN (SELECT value FROM json_each(%s))"
        sql = f"SELECT {qn('id')}, {qn(column)} FROM {table} WHERE {qn(column)} {matches}"
        with connection.cursor() as cursor:
            for start in range(0, len(values), _LOOKUP):
                chunk = values[start : start + _LOOKUP]
                cursor.execute(sql, [chunk if postgres else json.dumps(chunk)])
                for pk, value in cursor.fetchall():
                    target[value] = pk

    def resolve(self, wanted: Sequence[Wanted]) -> list[int]:
        """The subject id of each one named, in order, registering the new ones (validated as
        `prepare_subject` does).

        Raises `ValidationFailed` only for a subject that `prepare_subject` refuses; callers check
        identifiers and age on their rows first, so this means a rule changed under them.
        """
        keys = [self.key(item) for item in wanted]
        pending: dict[tuple[str, str], Wanted] = {}
        for key, item in zip(keys, wanted, strict=True):
            if key not in pending and self.known(key) is None:
                pending[key] = item
        if pending:
            for kind in ("org", "person"):
                values = [k[1] for k in pending if k[0] == kind]
                if values:
                    self._lookup(kind, values)
            new = [(key, item) for key, item in pending.items() if self.known(key) is None]
            if new:
                self._register(new)
        ids = [self.known(key) for key in keys]
        assert all(pk is not None for pk in ids), "every subject is found or registered"
        return ids  # type: ignore[return-value]

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        """One statement for many rows; a subject registered meanwhile by another batch is kept."""
        qn = connection.ops.quote_name
        sql = (
            f"INSERT INTO {qn(Subject._meta.db_table)} ({', '.join(qn(c) for c in _COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}) ON CONFLICT DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def _register(self, new: list[tuple[tuple[str, str], Wanted]]) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = []
        for _key, item in new:
            fields = subject_fields(
                kind=item.kind,
                name=item.name,
                uscc=item.uscc,
                id_number=item.id_number,
                on_date=self._on_date,
                policy=self._policy,
            )
            fields.setdefault("uscc_legacy", False)
            fields.setdefault("id_number_masked", "")
            rows.append((*(fields.get(column) for column in _COLUMNS[:-2]), now, now))
        self._insert(rows)
        for kind in ("org", "person"):
            values = [k[1] for k, _ in new if k[0] == kind]
            if values:
                self._lookup(kind, values)
        self.registered += len(rows)
        user, extra = audit_identity(self._actor)
        ids = [pk for key, _ in new if (pk := self.known(key)) is not None]
        audit_record(
            actor=user,
            action="subjects.subjects_register_bulk",
            data={
                "count": len(rows),
                "orgs": sum(1 for k, _ in new if k[0] == "org"),
                "persons": sum(1 for k, _ in new if k[0] == "person"),
                "first_subject": min(ids) if ids else None,
                "last_subject": max(ids) if ids else None,
                **self._context,
                **extra,
            },
        )
