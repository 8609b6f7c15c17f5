"""Drop the varchar_pattern_ops ("_like") indexes Django adds on PostgreSQL for indexed CharFields.

They serve only LIKE 'prefix%' on these columns: the USCC and the ID-number blind index are only
ever compared whole, and name prefixes are searched through `subject_kind_name_prefix` (0004),
which also holds the kind. Each cost every new subject three more index entries (about a tenth of
a subject's insert on a big batch). Django drops such an index with IF EXISTS when a field is
altered later, so the model state needs no change. SQLite has no such indexes.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

COLUMNS = ("uscc", "id_number_index", "name_normalized")


def _like_indexes(schema_editor: BaseDatabaseSchemaEditor) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'subjects_subject' AND indexname LIKE %s",
            ["%\\_like"],
        )
        names = [row[0] for row in cursor.fetchall()]
    return [name for name in names if any(f"_{column}_" in name for column in COLUMNS)]


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in _like_indexes(schema_editor):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def reverse(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS subjects_subject_{column}_like"
                f" ON subjects_subject ({column} varchar_pattern_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [("subjects", "0004_name_prefix_index")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
