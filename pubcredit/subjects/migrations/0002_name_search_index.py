"""Name search index: every two-character substring (bigram) of the normalised name.

pg_trgm cannot serve two-character queries and SQLite's FTS5 trigram tokenizer returns nothing
for them, so both databases index bigrams, kept current by the database itself: whatever writes
a subject (the ORM, `bulk_create`, the resolver's raw multi-row INSERT, a rename by UPDATE) needs
no code to maintain it.

- PostgreSQL: a GIN index on the expression `subject_name_bigrams(name_normalized)` (an IMMUTABLE
  SQL function), and a B-tree on (kind, length(name_normalized), id) so that a very common
  fragment is served in rank order without reading every match.
- SQLite: a contentless FTS5 table whose document is the list of bigrams, each written as the
  hexadecimal of its UTF-8 bytes so that no tokenizer rule (punctuation, brackets) can split it;
  triggers on insert, rename and delete keep it current. The bigrams are built inside the trigger
  from a JSON list of positions (`json_each`), since triggers accept no recursive CTE.

Bigrams are taken from the lower-cased name (ASCII letters on both databases); the selector
rechecks every candidate with the same comparison the full scan uses.
"""

from __future__ import annotations

import json

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Positions 1..max_length-1 of `Subject.name` (200): every start of a bigram.
_POSITIONS = json.dumps(list(range(1, 200)))

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION subject_name_bigrams(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT substr(lower(name), i, 2)), '{}')
      FROM generate_series(1, char_length(name) - 1) AS i
    $$
    """,
    "CREATE INDEX subject_name_bigrams_gin ON subjects_subject USING gin (subject_name_bigrams(name_normalized))",
    "CREATE INDEX subject_kind_name_length ON subjects_subject (kind, length(name_normalized), id)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS subject_kind_name_length",
    "DROP INDEX IF EXISTS subject_name_bigrams_gin",
    "DROP FUNCTION IF EXISTS subject_name_bigrams(text)",
]


def _sqlite_bigrams(column: str) -> str:
    """SQL for the space-separated hex bigrams of `column` (lower-cased like the query side)."""
    return (
        f"(SELECT coalesce(group_concat(hex(substr(lower({column}), p.value, 2)), ' '), '') "
        f"FROM json_each('{_POSITIONS}') AS p WHERE p.value < length({column}))"
    )


SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE subjects_subject_bigrams USING fts5(bigrams, content='', tokenize='ascii')",
    f"""
    CREATE TRIGGER subjects_subject_bigrams_insert AFTER INSERT ON subjects_subject BEGIN
      INSERT INTO subjects_subject_bigrams(rowid, bigrams) VALUES (NEW.id, {_sqlite_bigrams("NEW.name_normalized")});
    END
    """,
    f"""
    CREATE TRIGGER subjects_subject_bigrams_delete AFTER DELETE ON subjects_subject BEGIN
      INSERT INTO subjects_subject_bigrams(subjects_subject_bigrams, rowid, bigrams)
      VALUES ('delete', OLD.id, {_sqlite_bigrams("OLD.name_normalized")});
    END
    """,
    f"""
    CREATE TRIGGER subjects_subject_bigrams_rename AFTER UPDATE OF name_normalized, id ON subjects_subject
    WHEN OLD.name_normalized IS NOT NEW.name_normalized OR OLD.id IS NOT NEW.id BEGIN
      INSERT INTO subjects_subject_bigrams(subjects_subject_bigrams, rowid, bigrams)
      VALUES ('delete', OLD.id, {_sqlite_bigrams("OLD.name_normalized")});
      INSERT INTO subjects_subject_bigrams(rowid, bigrams) VALUES (NEW.id, {_sqlite_bigrams("NEW.name_normalized")});
    END
    """,
    f"""
    INSERT INTO subjects_subject_bigrams(rowid, bigrams)
    SELECT id, {_sqlite_bigrams("name_normalized")} FROM subjects_subject
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS subjects_subject_bigrams_rename",
    "DROP TRIGGER IF EXISTS subjects_subject_bigrams_delete",
    "DROP TRIGGER IF EXISTS subjects_subject_bigrams_insert",
    "DROP TABLE IF EXISTS subjects_subject_bigrams",
]


def _statements(schema_editor: BaseDatabaseSchemaEditor, *, forward: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return POSTGRES_FORWARD if forward else POSTGRES_REVERSE
    if vendor == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_REVERSE
    return []  # other databases: the selector falls back to a full scan


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in _statements(schema_editor, forward=True):
        schema_editor.execute(sql)


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in _statements(schema_editor, forward=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
