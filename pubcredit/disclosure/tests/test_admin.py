"""The disclosure admin lists every model and lets nobody add or change rows there."""

from __future__ import annotations

import pytest
from django.test import Client

from pubcredit.accounts.tests.factories import SuperuserFactory


@pytest.mark.django_db
def test_the_admin_lists_disclosure_rows_read_only() -> None:
    client = Client()
    client.force_login(SuperuserFactory.create())
    for model in ("querylogentry", "authorisation", "sharingagreement", "hiderequest", "tombstone", "querycharge"):
        assert client.get(f"/admin/disclosure/{model}/").status_code == 200, model
        assert client.get(f"/admin/disclosure/{model}/add/").status_code == 403, model
