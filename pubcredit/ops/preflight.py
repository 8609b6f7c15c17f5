"""Checks run before the platform serves requests.

Each failure is a `ConfigurationError` with one English sentence, so an operator who mistyped
a setting reads what to fix instead of a traceback from deep inside a worker.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import Error as DatabaseError

from pubcredit.core.errors import ConfigurationError


def describe_database(alias: str = DEFAULT_DB_ALIAS) -> str:
    db = settings.DATABASES[alias]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite database {db['NAME']}"
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    return f"PostgreSQL database {db.get('NAME')!r} at {host}:{port}"


def database_failure(exc: Exception, alias: str = DEFAULT_DB_ALIAS) -> str:
    """One sentence for a database error: which database, and the driver's first line."""
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"Cannot connect to the {describe_database(alias)}: {first_line}"


def check_database(alias: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[alias]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise ConfigurationError(database_failure(exc, alias)) from exc


def check_migrations(alias: str = DEFAULT_DB_ALIAS) -> None:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise ConfigurationError(
            f"The {describe_database(alias)} has {len(plan)} unapplied migrations; run `pubcredit migrate` first."
        )


def run_all() -> None:
    """Policy packs are already checked when the policy app loads; here: the database."""
    check_database()
    check_migrations()
