import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine

from pubcredit.accounts.models import ApiScope
from pubcredit.accounts.tests.factories import ApiClientFactory, OrganisationFactory, ProviderClerkFactory
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.catalog.services import catalog_seed
from pubcredit.exchange.models import ExchangePartner, PartnerDirection
from pubcredit.exchange.signing import keys_generate
from pubcredit.records.models import Record
from pubcredit.records.services import record_create
from pubcredit.records.tests.conftest import cf_data
from pubcredit.subjects.tests.factories import OrgSubjectFactory

TODAY = dt.datetime(2025, 6, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def catalogue(db: Any, today: dt.date) -> None:
    catalog_seed()


@pytest.fixture
def clerk(db: Any) -> Any:
    return ProviderClerkFactory.create()


@pytest.fixture
def company(db: Any) -> Any:
    return OrgSubjectFactory.create()


@pytest.fixture
def exchange_key(settings: Any, tmp_path: Path) -> Path:
    settings.PUBCREDIT_EXCHANGE_KEY = str(tmp_path / "exchange" / "signing-key.pem")
    return keys_generate()


@pytest.fixture
def province(db: Any, today: dt.date) -> Any:
    """The upstream platform's organisation, its API client (scope exchange) and its agreement for CF."""
    organisation = OrganisationFactory.create(name="省公共信用信息平台")
    client = ApiClientFactory.create(organisation=organisation, scopes=[ApiScope.EXCHANGE.value])
    partner = ExchangePartner.objects.create(
        code="province",
        name="省公共信用信息平台",
        organisation=organisation,
        direction=PartnerDirection.OUTBOUND,
        item_codes=["CF"],
        valid_from=dt.date(2025, 1, 1),
    )
    return client, partner


def make_cf(clerk: Any, subject: Any, ref: str = "西市监罚〔2025〕1号") -> Record:
    return record_create(
        actor=clerk,
        provider=clerk.organisation,
        subject=subject,
        item=catalog_item_get("CF"),
        source_ref=ref,
        decided_on=dt.date(2025, 5, 6),
        end_date=dt.date(2025, 5, 20),
        data=cf_data(subject, wsh=ref),
    )
