"""A process killed (SIGKILL) in the middle of a batch, an objection step or the expiry sweep leaves
nothing half-done, and the same action run again completes exactly once.

Each test runs the real command (`pubcredit batch load`, `pubcredit disclosure sweep`,
`pubcredit serve` answering the batch API) or the driver (`tests/reliability/driver.py`, which
calls the service) in a child process with PUBCREDIT_FAULT_AT naming a fault point
(pubcredit/ops/faults.py), then reads the database.
They run on SQLite, and on PostgreSQL in the pass of the suite that sets
PUBCREDIT_TEST_DATABASE_URL.
"""

from __future__ import annotations

import csv
import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.support import Database, audit_intact, copy_of, killed, ok, run, serving

SWEEP_DAY = "2040-01-01"  # every period of the demo city has ended by then


def _sample_file(city: Database) -> tuple[Path, int]:
    """The demo's valid 行政处罚 file (written by `pubcredit demo accounts`) and its number of rows."""
    path = city.var_dir / "demo-files" / "行政处罚-可入库.csv"
    rows = len(path.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert rows > 0
    return path, rows


def _statuses(city: Database) -> dict[str, int]:
    return {status: count for status, count in city.rows("SELECT status, count(*) FROM records_record GROUP BY status")}


def _emptied_versions(city: Database) -> int:
    """Versions whose content a purge emptied (PostgreSQL's jsonb and SQLite's text both spell `{}`)."""
    cast = "data::text" if city.vendor == "postgresql" else "data"
    return int(city.scalar(f"SELECT count(*) FROM records_recordversion WHERE {cast} = '{{}}'"))


def test_a_batch_killed_before_commit_leaves_nothing_and_lands_once_when_sent_again(city: Database) -> None:
    path, rows = _sample_file(city)
    load = ("batch", "load", str(path), "--item", "CF", "--user", "provider")
    before = city.counts()

    killed(run(city, *load, fault_at="batch.before_commit"))
    after = city.counts()
    # The raw upload is stored and committed first on purpose (the evidence of what was sent);
    # the batch, its records, versions, subjects and audit events were one transaction: gone.
    raw_kept = after.pop("collection_rawupload")
    assert raw_kept == before.pop("collection_rawupload") + 1
    assert after == before

    out = ok(run(city, *load))
    assert f"accepted, {rows} rows, {rows} created" in out
    landed = city.counts()
    assert landed["records_record"] == before["records_record"] + rows
    assert landed["collection_batch"] == before["collection_batch"] + 1
    assert landed["collection_rawupload"] == raw_kept  # the same content: the kept upload is reused

    again = ok(run(city, *load))
    assert "already received" in again
    assert city.counts() == landed
    audit_intact(city)


def _post_batch(port: int, token: str, body: bytes) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request("POST", "/api/v1/batches", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_a_server_worker_killed_mid_batch_answers_nothing_and_the_retry_lands_once(
    city: Database, tmp_path: Path
) -> None:
    """A provider's system sends a batch; the worker handling it dies before the commit; the
    system sends the same request again (same batch reference) to the same running server."""
    path, rows = _sample_file(city)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        batch = {"item": "CF", "ref": "KILL-API-0001", "rows": list(csv.DictReader(handle))}
    body = json.dumps(batch, ensure_ascii=False).encode()
    token = (city.var_dir / "api-token.txt").read_text(encoding="utf-8").strip()
    before = city.counts()
    fault = {"PUBCREDIT_FAULT_AT": "batch.before_commit", "PUBCREDIT_FAULT_ONCE": str(tmp_path / "fired")}
    with serving(city, tmp_path / "serve.log", workers=1, **fault) as (port, _pid):
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            _post_batch(port, token, body)  # the worker died: no answer at all
        assert (tmp_path / "fired").exists()
        after = city.counts()
        raw_kept = after.pop("collection_rawupload")
        assert raw_kept == before.pop("collection_rawupload") + 1
        assert after == before

        status, first = _post_batch(port, token, body)  # served by the worker gunicorn started anew
        assert status == 201, first
        assert (first["status"], first["rows_created"]) == ("accepted", rows)
        status, again = _post_batch(port, token, body)
        assert status == 200, again
        assert again["id"] == first["id"]
    landed = city.counts()
    assert landed["records_record"] == before["records_record"] + rows
    assert landed["collection_batch"] == before["collection_batch"] + 1
    assert landed["collection_rawupload"] == raw_kept


def test_an_objection_answer_killed_before_commit_is_undone_and_answered_once_on_retry(city: Database) -> None:
    item_state = "SELECT state, result FROM objections_objectionitem ORDER BY id LIMIT 1"
    objection_state = "SELECT state FROM objections_objection ORDER BY id LIMIT 1"
    assert city.rows(item_state) == [("verifying", "")]
    before = city.counts()

    killed(run(city, "driver", "answer", fault_at="objection.answer.before_commit"))
    # The correction (a new record version), the lifted hold, the item's result, the notices and
    # the audit event were written in one transaction: none of them stayed.
    assert city.counts() == before
    assert city.rows(item_state) == [("verifying", "")]
    assert city.scalar(objection_state) == "verifying"

    ok(run(city, "driver", "answer"))
    answered = city.counts()
    assert city.rows(item_state) == [("done", "corrected")]
    assert city.scalar(objection_state) == "answered"
    assert answered["records_recordversion"] == before["records_recordversion"] + 1
    assert answered["core_auditevent"] > before["core_auditevent"]

    again = run(city, "driver", "answer")
    assert again.returncode == 3, again.stderr
    assert "不在待答复状态" in again.stderr
    assert city.counts() == answered
    audit_intact(city)


def test_a_sweep_killed_inside_a_purge_keeps_every_record_and_purges_once_on_the_next_run(city: Database) -> None:
    before, statuses, emptied = city.counts(), _statuses(city), _emptied_versions(city)
    assert "purged" not in statuses

    # The first purge of a run is the (empty) one of due hide requests; the second, persons' records.
    killed(run(city, "disclosure", "sweep", "--date", SWEEP_DAY, fault_at="sweep.purge.mid_transaction:2"))
    assert _emptied_versions(city) == emptied  # the versions emptied before the kill were rolled back
    assert city.counts() == before
    assert _statuses(city) == statuses

    ok(run(city, "disclosure", "sweep", "--date", SWEEP_DAY))
    swept = _statuses(city)
    purged = swept.get("purged", 0)
    assert purged > 0
    assert int(city.scalar("SELECT count(*) FROM disclosure_tombstone")) == before["disclosure_tombstone"] + purged
    assert _emptied_versions(city) > emptied

    out = ok(run(city, "disclosure", "sweep", "--date", SWEEP_DAY))
    assert "0 organisations' records archived, 0 persons' records archived, 0 persons' records purged" in out
    assert _statuses(city) == swept
    audit_intact(city)


def _swept_in_audit(city: Database) -> int:
    """Records changed according to the sweep's audit events."""
    total = 0
    for (data,) in city.rows("SELECT data FROM core_auditevent WHERE action = 'disclosure.sweep.chunk'"):
        counts = data if isinstance(data, dict) else json.loads(data)
        total += sum(counts.get(key, 0) for key in ("organisations_archived", "persons_archived", "persons_purged"))
    return total


@pytest.fixture(scope="module")
def killed_between_chunks(
    template: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Database]]:
    """A copy of the city swept with windows of 20 records and killed after the second window's
    commit, then swept again; and a reference copy swept in one uninterrupted run."""
    sweep = ("driver", "sweep", "--date", SWEEP_DAY, "--chunk", "20")
    copies = [copy_of(template, tmp_path_factory.mktemp(name)) for name in ("interrupted", "reference")]
    city, reference = (next(copy) for copy in copies)
    killed(run(city, *sweep, fault_at="sweep.archive.after_chunk:2"))
    archived = _statuses(city).get("archived", 0)
    ok(run(reference, *sweep))
    assert 0 < archived < _statuses(reference)["archived"]  # stopped part-way, its windows kept
    ok(run(city, *sweep))
    yield city, reference
    for copy in copies:
        copy.close()


def test_a_sweep_killed_between_chunks_goes_on_where_it_stopped(
    killed_between_chunks: tuple[Database, Database],
) -> None:
    city, reference = killed_between_chunks
    # Each window is committed on its own: the resumed run did the rest, and the city ends exactly
    # as after one uninterrupted run.
    assert _statuses(city) == _statuses(reference)
    assert city.rows("SELECT id, status FROM records_record ORDER BY id") == reference.rows(
        "SELECT id, status FROM records_record ORDER BY id"
    )
    audit_intact(city)


def test_every_record_a_killed_sweep_changed_is_in_the_audit_log(
    killed_between_chunks: tuple[Database, Database],
) -> None:
    city, reference = killed_between_chunks
    assert _swept_in_audit(reference) > 0
    assert _swept_in_audit(city) == _swept_in_audit(reference)
