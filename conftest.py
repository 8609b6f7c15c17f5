"""Shared pytest fixtures. Domain fixtures and factories live in each app's tests/."""

import os
from typing import Any

# Transactional tests (live server, threads) commit audit events; the audit table refuses
# deletion, so this fixture lifts the guard just for the test database's clean-up.
from pubcredit.core.tests.auditing import (  # noqa: F401
    audit_erasable_after_test,
    audit_log_erasable_after_transactional_tests,
)

# One headless Chromium for every page test in the tree (see tests/browser/support.py).
from tests.browser.support import (  # noqa: F401
    browser,
    browser_audit_erasable,
    console_errors,
    page,
    screenshot,
)

# Tests that touch no database give the same result on either backend, and the page tests in
# Chromium check pages, not the database (every service and view they drive has its own tests on
# both backends): the PostgreSQL pass of `make test` (scripts/run-tests) skips both kinds, so each
# runs once, in the SQLite pass. PUBCREDIT_TEST_EVERYTHING_TWICE=1 runs them on PostgreSQL too.
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if not os.environ.get("PUBCREDIT_TEST_DATABASE_URL", "").startswith("postgres"):
        return
    if os.environ.get("PUBCREDIT_TEST_EVERYTHING_TWICE") == "1":
        return
    kept: list[Any] = []
    skipped: list[Any] = []
    for item in items:
        uses_db = (
            item.get_closest_marker("django_db") is not None
            or item.get_closest_marker("postgres_only") is not None  # e.g. its own throw-away cluster
            or item.nodeid.startswith("tests/reliability/")  # processes run against the test database
            or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        in_browser = item.get_closest_marker("browser") is not None
        (kept if uses_db and not in_browser else skipped).append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = kept
