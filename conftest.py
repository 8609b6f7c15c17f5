"""Shared pytest fixtures. Domain fixtures and factories live in each app's tests/."""

# Transactional tests (live server, threads) commit audit events; the audit table refuses
# deletion, so this fixture lifts the guard just for the test database's clean-up.
from pubcredit.core.tests.auditing import audit_log_erasable_after_transactional_tests  # noqa: F401
