"""The database itself refuses UPDATE, DELETE and TRUNCATE on the audit table.

PostgreSQL: one trigger function for row-level UPDATE/DELETE and statement-level TRUNCATE. It lets
a change through only for a superuser session that has set `pubcredit.audit_erase = 'on'` (a
superuser could disable the trigger anyway; this keeps test clean-up free of DDL), and lets an
empty table be truncated, because that destroys nothing and test databases are reset that way.
SQLite: BEFORE UPDATE/DELETE triggers that abort (SQLite has no TRUNCATE).

The SQL is frozen here on purpose; tests import it from this module to re-install the triggers.
"""

from django.db import migrations

PG_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        has_rows boolean;
    BEGIN
        IF current_setting('pubcredit.audit_erase', true) = 'on'
           AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'TRUNCATE' THEN
            EXECUTE 'SELECT EXISTS (SELECT 1 FROM ' || quote_ident(TG_TABLE_SCHEMA) || '.'
                || quote_ident(TG_TABLE_NAME) || ')' INTO has_rows;
            IF NOT has_rows THEN
                RETURN NULL;
            END IF;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'core_auditevent is append-only: ' || TG_OP || ' refused',
            HINT = 'audit events can only be inserted; run `pubcredit audit verify` to check the chain';
    END
    $$;
    """,
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();",
    "CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();",
    "CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();",
]
PG_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only();",
]
SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); END;
    """,
    """
    CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: DELETE refused'); END;
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return PG_INSTALL if install else PG_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []


def install(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_calendar_and_audit")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
