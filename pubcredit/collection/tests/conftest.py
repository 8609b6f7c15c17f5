from typing import Any

import pytest

from pubcredit.catalog.fields import FieldSet, specs_from_json
from pubcredit.catalog.seeding import load_seed_items


def seed_fields(code: str) -> list[dict[str, Any]]:
    return next(item for item in load_seed_items() if item["code"] == code)["fields"]


@pytest.fixture(scope="session")
def cf_fields() -> list[dict[str, Any]]:
    return seed_fields("CF")


@pytest.fixture(scope="session")
def cf_set(cf_fields) -> FieldSet:
    return FieldSet(specs_from_json(cf_fields))


@pytest.fixture(scope="session")
def xk_set() -> FieldSet:
    return FieldSet(specs_from_json(seed_fields("XK")))
