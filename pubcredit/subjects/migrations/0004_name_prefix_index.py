"""Leading-match search reads names by prefix from an index that carries the id (PostgreSQL).

Names starting with a fragment are found by a range scan of (kind, name_normalized) in pattern
order; with the id in the index that scan never visits the table, so a prefix shared by a few
thousand names costs a few milliseconds. (Django's own `_like` index on the column has no id.)
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX subject_kind_name_prefix ON subjects_subject"
            " (kind, name_normalized varchar_pattern_ops) INCLUDE (id)"
        )


def reverse(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS subject_kind_name_prefix")


class Migration(migrations.Migration):
    dependencies = [("subjects", "0003_name_length_index_covers_name")]

    operations = [migrations.RunPython(forward, reverse)]
