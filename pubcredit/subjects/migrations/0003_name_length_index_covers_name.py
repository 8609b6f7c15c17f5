"""The (kind, length, id) search order index carries the name (PostgreSQL only).

A common fragment is answered by walking names in rank order until enough match; with the name
in the index that walk tests each name in the index itself (an index-only scan) instead of
fetching every row it passes from the table.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARD = [
    "DROP INDEX IF EXISTS subject_kind_name_length",
    "CREATE INDEX subject_kind_name_length ON subjects_subject (kind, length(name_normalized), id)"
    " INCLUDE (name_normalized)",
]
REVERSE = [
    "DROP INDEX IF EXISTS subject_kind_name_length",
    "CREATE INDEX subject_kind_name_length ON subjects_subject (kind, length(name_normalized), id)",
]


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def reverse(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("subjects", "0002_name_search_index")]

    operations = [migrations.RunPython(forward, reverse)]
