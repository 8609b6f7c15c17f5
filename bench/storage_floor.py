"""The storage floor of a batch: what writing its rows costs the database alone.

After `pubcredit batch load` has stored a file, the rows it wrote (subjects, records, first
versions) are copied back into empty copies of their tables with the same columns, indexes, checks
and foreign keys, by the fastest path each database has (COPY on PostgreSQL, `executemany` in one
transaction on SQLite). No parsing, no checks, no application code: the time is the least any
loader keeping these tables could take, and shows how much of a load is the tables themselves.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

#: The tables a batch of new subjects' records writes, in foreign-key order.
TABLES = ("subjects_subject", "records_record", "records_recordversion")
#: What their foreign keys point at (SQLite only: copied untimed, so the checks find their rows).
REFERENCED = ("accounts_organisation", "accounts_user", "catalog_catalogitem", "records_disclosurebasis")


def postgres_floor(url: str) -> tuple[float, int]:
    """(seconds, rows) to COPY the stored rows into copies of their tables, FKs checked at commit."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, tempfile.TemporaryDirectory() as spool:
        # Spooled to disk, not memory: this process's size must not leak into the peak memory
        # the benchmark reports for the loads it starts afterwards.
        dumps: dict[str, Path] = {}
        rows = 0
        for table in TABLES:
            dumps[table] = Path(spool) / table
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy, dumps[table].open("wb") as out:
                for chunk in copy:
                    out.write(chunk)
                    rows += bytes(chunk).count(b"\n")
            conn.execute(f"DROP TABLE IF EXISTS floor_{table}")
            conn.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
        for table in TABLES:
            for (definition,) in conn.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                (table,),
            ).fetchall():
                for other in TABLES:  # point at the copies of the tables copied here
                    definition = definition.replace(f"REFERENCES {other}(", f"REFERENCES floor_{other}(")
                conn.execute(f"ALTER TABLE floor_{table} ADD {definition}")
        started = time.perf_counter()
        with conn.transaction():
            for table in TABLES:
                with conn.cursor().copy(f"COPY floor_{table} FROM STDIN") as copy, dumps[table].open("rb") as dump:
                    while chunk := dump.read(1 << 20):
                        copy.write(chunk)
        elapsed = time.perf_counter() - started
        for table in reversed(TABLES):
            conn.execute(f"DROP TABLE floor_{table}")
    return elapsed, rows


def sqlite_floor(path: str) -> tuple[float, int]:
    """(seconds, rows) to insert the stored rows into copies of their tables in one transaction."""
    source = sqlite3.connect(path)
    target = sqlite3.connect(path + ".floor", isolation_level=None)
    try:
        target.execute("PRAGMA journal_mode = WAL")
        target.execute("PRAGMA synchronous = NORMAL")
        needed = {*REFERENCED, *TABLES}
        for name, sql in source.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
            if name in needed:
                target.execute(sql)
        for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"):
            if any(f'ON "{table}"' in sql for table in TABLES):
                target.execute(sql)
        target.execute("BEGIN")
        for table in REFERENCED:
            _copy_rows(source, target, table)  # what the foreign keys point at; not timed
        target.execute("COMMIT")
        target.execute("PRAGMA foreign_keys = ON")  # as the platform's connections have it
        dumps = {table: source.execute(f'SELECT * FROM "{table}"').fetchall() for table in TABLES}
        started = time.perf_counter()
        target.execute("BEGIN")
        for table, rows in dumps.items():
            marks = ", ".join("?" * len(rows[0])) if rows else ""
            if rows:
                target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        target.execute("COMMIT")
        elapsed = time.perf_counter() - started
        return elapsed, sum(len(rows) for rows in dumps.values())
    finally:
        source.close()
        target.close()


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection, table: str) -> None:
    rows = source.execute(f'SELECT * FROM "{table}"').fetchall()
    if rows:
        target.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(rows[0]))})', rows)
