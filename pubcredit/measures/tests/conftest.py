"""Fixtures of the measure tests: the list tests' parties, days and records (one definition)."""

from pubcredit.lists.tests.conftest import Parties, decision_storage, on, parties, record_of  # noqa: F401
