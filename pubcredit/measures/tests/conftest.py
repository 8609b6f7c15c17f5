"""Fixtures of the measure tests: the list tests' parties, days, records and seed (one definition)."""

from pubcredit.lists.tests.conftest import (  # noqa: F401
    Parties,
    decision_storage,
    on,
    parties,
    record_of,
    seeded_list_types_and_measures,
)
