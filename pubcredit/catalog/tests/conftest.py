import pytest

from pubcredit.catalog.services import catalog_seed
from pubcredit.catalog.tests.factories import UserFactory, make_operator


@pytest.fixture
def operator(db):
    return make_operator()


@pytest.fixture
def clerk(db):
    return UserFactory()


@pytest.fixture
def seeded(db):
    return catalog_seed()
