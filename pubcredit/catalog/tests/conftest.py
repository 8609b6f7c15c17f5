import pytest

from pubcredit.accounts.tests.factories import OperatorFactory, ProviderClerkFactory
from pubcredit.catalog.services import catalog_seed


@pytest.fixture
def operator(db):
    return OperatorFactory.create()


@pytest.fixture
def clerk(db):
    return ProviderClerkFactory.create()


@pytest.fixture
def seeded(db):
    return catalog_seed()
