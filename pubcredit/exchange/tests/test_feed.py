"""The feed served to partner platforms: their items only, in order, signed."""

import datetime as dt
import json

import pytest
from django.test import Client

from pubcredit.accounts.models import ApiScope
from pubcredit.accounts.tests.factories import ApiClientFactory
from pubcredit.catalog.tests.factories import CatalogItemFactory
from pubcredit.core.models import AuditEvent
from pubcredit.exchange.models import ChangeEvent, ExchangePartner, ItemSharing, PartnerState
from pubcredit.exchange.signing import SIGNATURE_HEADER, public_key_pem, verify
from pubcredit.exchange.tests.conftest import make_cf
from pubcredit.records.services import record_create

pytestmark = pytest.mark.django_db


def get_changes(client_row, **params):
    return Client().get(
        "/api/v1/exchange/changes", params, headers={"Authorization": f"Bearer {client_row.plain_token}"}
    )


def make_other(clerk, subject):
    """A record of an item outside the partner's agreement."""
    item = CatalogItemFactory.create(code="QT1")
    return record_create(
        actor=clerk,
        provider=clerk.organisation,
        subject=subject,
        item=item,
        source_ref="其他〔2025〕1号",
        decided_on=dt.date(2025, 5, 6),
        data={"subject_name": subject.name, "uscc": subject.uscc, "amount": "5"},
    )


def test_partner_sees_only_its_items_in_cursor_order_and_signed(
    catalogue, clerk, company, today, exchange_key, province
):
    client_row, _partner = province
    make_cf(clerk, company, "西市监罚〔2025〕1号")
    make_cf(clerk, company, "西市监罚〔2025〕2号")
    response = get_changes(client_row, after=0, limit=1)
    assert response.status_code == 200, response.content
    assert verify(response.content, response[SIGNATURE_HEADER], public_key_pem())
    page = json.loads(response.content)
    assert (page["after"], page["has_more"], len(page["events"])) == (0, True, 1)
    second = json.loads(get_changes(client_row, after=page["next"], limit=10).content)
    assert second["has_more"] is False
    cursors = [page["events"][0]["cursor"], second["events"][0]["cursor"]]
    assert cursors == sorted(cursors) and second["next"] == cursors[1]
    assert {e["item_code"] for e in page["events"] + second["events"]} == {"CF"}
    assert AuditEvent.objects.filter(action="exchange.feed.read").count() == 2


def test_another_item_never_appears(catalogue, clerk, company, today, exchange_key, province):
    client_row, _partner = province
    make_other(clerk, company)
    make_cf(clerk, company)
    page = json.loads(get_changes(client_row, after=0).content)
    assert [e["item_code"] for e in page["events"]] == ["CF"]
    assert ChangeEvent.objects.filter(item_code="QT1").count() == 1  # collected, not served


def test_tampered_page_does_not_verify(catalogue, clerk, company, today, exchange_key, province):
    client_row, _partner = province
    make_cf(clerk, company)
    response = get_changes(client_row)
    body = response.content.replace("西市监罚".encode(), "东市监罚".encode(), 1)
    assert body != response.content
    assert not verify(body, response[SIGNATURE_HEADER], public_key_pem())
    assert verify(response.content, response[SIGNATURE_HEADER], public_key_pem())


def test_client_without_agreement_or_scope_is_refused(catalogue, today, exchange_key, province):
    client_row, partner = province
    collector = ApiClientFactory.create(scopes=[ApiScope.COLLECT.value])
    response = get_changes(collector)
    assert response.status_code == 403 and "交换" in response.json()["message"]
    stranger = ApiClientFactory.create(scopes=[ApiScope.EXCHANGE.value])
    response = get_changes(stranger)
    assert response.status_code == 403 and "互联互通协议" in response.json()["message"]
    ExchangePartner.objects.filter(pk=partner.pk).update(state=PartnerState.SUSPENDED)
    assert get_changes(client_row).status_code == 403
    ExchangePartner.objects.filter(pk=partner.pk).update(state=PartnerState.ACTIVE, valid_until=dt.date(2025, 6, 9))
    assert get_changes(client_row).status_code == 403
    assert Client().get("/api/v1/exchange/changes").status_code == 401


def test_bad_cursor_and_page_size_name_the_value(catalogue, today, exchange_key, province):
    client_row, _partner = province
    response = get_changes(client_row, after=-1)
    assert response.status_code == 400 and "after=-1" in response.json()["message"]
    response = get_changes(client_row, limit=5000)
    assert response.status_code == 400 and "limit=5000" in response.json()["message"]


def test_public_key_and_shared_catalogue(catalogue, today, exchange_key):
    ItemSharing.objects.create(item_code="CF", scope=ItemSharing.Scope.CONDITIONAL, conditions="仅向上级平台提供")
    ItemSharing.objects.create(item_code="XK", scope=ItemSharing.Scope.NONE)
    key = Client().get("/api/v1/exchange/key").json()
    assert key["algorithm"] == "ed25519" and key["public_key"] == public_key_pem()
    items = Client().get("/api/v1/exchange/catalogue").json()["items"]
    assert [i["code"] for i in items] == ["CF"]
    assert items[0]["conditions"] == "仅向上级平台提供" and items[0]["frequency_label"] == "每日"
    assert any(f["name"] == "CF_WSH" for f in items[0]["fields"])
    page = Client().get("/exchange/catalogue/")
    assert page.status_code == 200 and "仅向上级平台提供" in page.content.decode()
    page = Client().get("/exchange/key/")
    assert page.status_code == 200 and key["key_id"] in page.content.decode()
