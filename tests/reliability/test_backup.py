"""Backup and restore as docs/operations.md describes them: the restored database has the same
rows, its audit chain verifies (`pubcredit audit verify`), and the platform starts on it.

PostgreSQL: `pg_dump -Fc` and `pg_restore` into a new database. SQLite: the online backup API
(`sqlite3.Connection.backup`) and `VACUUM INTO`, both taken while the database is open.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.reliability.support import PG_BIN, Database, _pg_admin, audit_intact, ok, run, sqlite_backup


def _loaded(city: Database) -> Database:
    """Some work since the seed, so that the copy holds a batch and its raw upload too."""
    sample = city.var_dir / "demo-files" / "行政处罚-可入库.csv"
    ok(run(city, "batch", "load", str(sample), "--item", "CF", "--user", "provider"))
    return city


def _check_restored(original: Database, restored: Database, *, start: bool = True) -> None:
    assert restored.counts() == original.counts()
    head = "SELECT seq, hash FROM core_auditevent ORDER BY seq DESC LIMIT 1"
    assert restored.rows(head) == original.rows(head)
    events, head_hash = restored.rows(head)[0]
    assert f"audit chain intact: {events} events, head {head_hash[:16]}" in audit_intact(restored)
    if start:
        assert "ready" in ok(run(restored, "serve", "--check-only"))  # schema and migrations complete


def _pg_tool(name: str) -> str:
    path = PG_BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} (PostgreSQL client tools) is not installed")
    return found


@pytest.fixture
def restored_postgres(city: Database, tmp_path: Path) -> Iterator[Database]:
    """`city` dumped with pg_dump -Fc and restored with pg_restore into a new database."""
    if city.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore: the PostgreSQL pass of the suite")
    _loaded(city)
    dump = tmp_path / "pubcredit.dump"
    subprocess.run([_pg_tool("pg_dump"), "-Fc", "-f", str(dump), city.url], check=True, timeout=120)
    name = f"{city.name}_restored"
    _pg_admin(city.url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    restored = Database(city.url.rsplit("/", 1)[0] + "/" + name, city.var_dir)
    try:
        subprocess.run(
            [_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored.url, str(dump)],
            check=True,
            timeout=120,
        )
        yield restored
    finally:
        _pg_admin(city.url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres_only
def test_a_pg_dump_restored_into_a_new_database_has_the_same_rows_and_an_intact_audit_chain(
    city: Database, restored_postgres: Database
) -> None:
    _check_restored(city, restored_postgres)
    # The restored audit table is append-only again (its trigger came back with the schema).
    import psycopg

    with psycopg.connect(restored_postgres.url, autocommit=True) as conn, pytest.raises(psycopg.Error):
        conn.execute("UPDATE core_auditevent SET data = data WHERE seq = 1")


def _sqlite_copy(city: Database, target: Path, method: str) -> Database:
    if method == "backup":
        sqlite_backup(city.name, str(target))
    else:
        with closing(sqlite3.connect(city.name)) as conn:
            conn.execute("VACUUM INTO ?", (str(target),))
    return Database(f"sqlite:///{target}", city.var_dir)


def test_sqlite_online_copies_have_the_same_rows_and_an_intact_audit_chain(city: Database, tmp_path: Path) -> None:
    if city.vendor != "sqlite":
        pytest.skip("the SQLite backup API: the SQLite pass of the suite")
    _loaded(city)
    for method in ("backup", "vacuum_into"):
        with closing(sqlite3.connect(city.name)) as reader:
            # A reader holding the database open, as a running platform does, does not stop the copy.
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM records_record").fetchone()
            restored = _sqlite_copy(city, tmp_path / f"{method}.sqlite3", method)
            reader.rollback()
        # Both methods copy the file as SQLite sees it; starting the platform on one copy is enough.
        _check_restored(city, restored, start=method == "backup")


def test_audit_verify_on_a_restored_copy_finds_a_changed_event(city: Database, tmp_path: Path) -> None:
    """The check above means something: an event edited in the copy (by someone who first
    removed the append-only trigger) is named by `pubcredit audit verify`."""
    if city.vendor != "sqlite":
        pytest.skip("edits a file copy; the PostgreSQL restore test checks the trigger instead")
    restored = _sqlite_copy(city, tmp_path / "restored.sqlite3", "backup")
    seq = int(restored.scalar("SELECT seq FROM core_auditevent ORDER BY seq LIMIT 1 OFFSET 5"))
    with closing(sqlite3.connect(restored.name)) as conn:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE core_auditevent SET action = 'edited' WHERE seq = ?", (seq,))
        conn.execute("DROP TRIGGER core_auditevent_no_update")
        conn.execute("UPDATE core_auditevent SET action = 'edited' WHERE seq = ?", (seq,))
        conn.commit()
    result = run(restored, "audit", "verify")
    assert result.returncode == 1
    assert f"seq={seq}" in result.stderr
