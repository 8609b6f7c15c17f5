"""Shared pytest fixtures. Domain fixtures and factories live in each app's tests/."""

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
