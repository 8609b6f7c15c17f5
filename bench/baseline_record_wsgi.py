"""The bare baseline for bench/lookup.py: the public record look-up as hand-written psycopg SQL.

The same work as GET /api/v1/subjects/{uscc}/record for the public, without Django: the subject
by USCC, its active public records within their period with the item names (one query), their
active annotations (one query), grouped by kind and class and written as JSON. One connection per
worker process, kept open, like the platform's persistent connections. DATABASE_URL names the
database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

_conn: psycopg.Connection[Any] | None = None

RECORDS = """
SELECT r.id, r.item_code, i.name, r.tier, r.decided_on, r.end_date, r.disclosure_ends_on, r.source_ref,
       r.version, r.kind, r.info_class, r.data
FROM records_record r JOIN catalog_catalogitem i ON i.id = r.item_id
WHERE r.subject_id = %s AND r.status = 'active' AND i.openness = 'public'
  AND (r.disclosure_ends_on IS NULL OR r.disclosure_ends_on >= %s)
ORDER BY r.kind, r.info_class, r.decided_on DESC, r.id DESC
"""


def _connection() -> psycopg.Connection[Any]:
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return _conn


def _answer(uscc: str) -> tuple[str, bytes]:
    conn = _connection()
    subject = conn.execute(
        "SELECT id, kind, name, uscc, district FROM subjects_subject WHERE uscc = %s AND kind = 'org'", [uscc]
    ).fetchone()
    if subject is None:
        return "404 Not Found", b'{"code": "not_found"}'
    today = dt.date.today()
    rows = conn.execute(RECORDS, [subject[0], today]).fetchall()
    notes: dict[int, list[str]] = {}
    if rows:
        for record_id, text in conn.execute(
            "SELECT record_id, text FROM records_annotation WHERE record_id = ANY(%s) AND active",
            [[row[0] for row in rows]],
        ):
            notes.setdefault(record_id, []).append(text)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rid, code, item, tier, decided, end, ends, ref, version, kind, info_class, data in rows:
        groups.setdefault((kind, info_class), []).append(
            {
                "id": rid,
                "item_code": code,
                "item_name": item,
                "tier": tier,
                "decided_on": decided.isoformat(),
                "end_date": end.isoformat() if end else None,
                "disclosure_ends_on": ends.isoformat() if ends else None,
                "source_ref": ref,
                "version": version,
                "annotations": notes.get(rid, []),
                "fields": [{"name": k, "value": v} for k, v in data.items()],
            }
        )
    body = {
        "subject": dict(zip(("id", "kind", "name", "uscc", "district"), subject, strict=True)),
        "on": today.isoformat(),
        "groups": [{"kind": k, "info_class": c, "records": r} for (k, c), r in groups.items()],
    }
    return "200 OK", json.dumps(body, ensure_ascii=False).encode()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    parts = path.strip("/").split("/")
    if len(parts) == 5 and parts[:3] == ["api", "v1", "subjects"] and parts[4] == "record":
        status, body = _answer(parts[3].upper())
    else:
        status, body = "404 Not Found", b"{}"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
