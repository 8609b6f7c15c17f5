"""The shared-resource catalogue and the exchange key pages in a real browser (headless Chromium;
console errors fail)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pubcredit.catalog.services import catalog_seed
from pubcredit.exchange.models import ItemSharing
from pubcredit.exchange.signing import key_id, keys_generate, public_key_pem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_catalogue_lists_shared_items_and_links_the_key(
    page: Page, screenshot: Callable[[str], Path], settings: Any, tmp_path: Path
) -> None:
    settings.PUBCREDIT_EXCHANGE_KEY = str(tmp_path / "exchange-key.pem")
    keys_generate()
    catalog_seed()
    ItemSharing.objects.create(
        item_code="CF", frequency=ItemSharing.Frequency.REALTIME, conditions="向省平台、区县平台提供"
    )
    page.goto("/exchange/catalogue/")
    table = page.get_by_test_id("shared-catalogue")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("行政处罚信息")
    expect(table).to_contain_text("实时")
    expect(table).to_contain_text("向省平台、区县平台提供")
    screenshot("catalogue")
    page.get_by_role("link", name="交换数据签名公钥").click()
    expect(page.get_by_test_id("key-id")).to_have_text(key_id(public_key_pem()))
    expect(page.get_by_test_id("public-key")).to_contain_text("BEGIN PUBLIC KEY")
