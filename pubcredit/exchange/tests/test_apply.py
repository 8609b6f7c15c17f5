"""Applying a partner's page here: through the record services, once, with provenance."""

import datetime as dt
import json

import pytest

from pubcredit.accounts.models import ApiScope
from pubcredit.accounts.tests.factories import ApiClientFactory
from pubcredit.core.models import AuditEvent
from pubcredit.exchange.models import ExchangePartner, PartnerDirection, ReceivedRecord
from pubcredit.exchange.services import PullFailed, _apply_page, feed_serve
from pubcredit.exchange.signing import public_key_pem
from pubcredit.exchange.tests.conftest import make_cf
from pubcredit.records.models import AnnotationKind, Record, RecordStatus
from pubcredit.records.services import record_correct, record_hold_place, record_withdraw
from pubcredit.records.tests.conftest import cf_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbound(exchange_key, today, province):
    """An agreement to receive from the province, whose pages are (here) this platform's own feed:
    the records received are written in the province's name, so they are never served back to it."""
    organisation = province[1].organisation
    organisation.is_provider = True
    organisation.save()
    actor = ApiClientFactory.create(organisation=organisation, scopes=[ApiScope.COLLECT.value])
    return ExchangePartner.objects.create(
        code="province-in",
        name="省公共信用信息平台",
        organisation=organisation,
        direction=PartnerDirection.INBOUND,
        item_codes=["CF"],
        valid_from=dt.date(2025, 1, 1),
        public_key=public_key_pem(),
        actor_client=actor,
    )


def page_after(province_client, after):
    return json.loads(feed_serve(client=province_client, after=after, limit=100).body)


def test_a_page_is_applied_once_with_provenance(catalogue, clerk, company, province, inbound):
    client_row, _ = province
    original = make_cf(clerk, company)
    page = page_after(client_row, 0)
    assert _apply_page(inbound, page, 0) == {"created": 1}
    link = ReceivedRecord.objects.get(partner=inbound, origin_id=original.pk)
    copy = link.record
    assert copy.provider == inbound.organisation and copy.source_ref == original.source_ref
    assert copy.data == original.data and copy.version == 1
    inbound.refresh_from_db()
    assert inbound.cursor == page["next"]
    assert AuditEvent.objects.filter(action="exchange.pull.page").count() == 1
    assert AuditEvent.objects.get(action="records.record.create", target_id=str(copy.pk)).data["api_client_id"] == (
        inbound.actor_client_id
    )

    # The same page again: refused while the cursor has moved on; duplicates only from the start.
    with pytest.raises(PullFailed, match="page after cursor 0"):
        _apply_page(inbound, page, 0)
    ExchangePartner.objects.filter(pk=inbound.pk).update(cursor=0)
    assert _apply_page(inbound, page, 0) == {"duplicate": 1}
    assert Record.objects.filter(provider=inbound.organisation).count() == 1


def test_correction_hold_and_withdrawal_follow(catalogue, clerk, company, province, inbound):
    client_row, _ = province
    original = make_cf(clerk, company)
    first = page_after(client_row, 0)
    _apply_page(inbound, first, 0)
    record_correct(actor=clerk, record=original, reason="金额有误", data=cf_data(company, CF_NR_FK="5"))
    record_hold_place(
        actor=None,
        record=original,
        kind=AnnotationKind.OBJECTION,
        text="异议处理中",
        article="西安 第三十一条",
        workflow="t",
    )
    record_withdraw(actor=clerk, record=original, reason="撤回")
    second = page_after(client_row, first["next"])
    assert _apply_page(inbound, second, first["next"]) == {"corrected": 1, "hold_placed": 1, "withdrawn": 1}
    copy = ReceivedRecord.objects.get(partner=inbound).record
    copy.refresh_from_db()
    assert copy.status == RecordStatus.WITHDRAWN and copy.version == 3 and copy.data["CF_NR_FK"] == "5"
    assert list(copy.annotations.values_list("kind", flat=True)) == [AnnotationKind.OBJECTION]


def test_an_event_refused_here_rolls_back_the_whole_page(catalogue, clerk, company, province, inbound):
    client_row, _ = province
    make_cf(clerk, company, "西市监罚〔2025〕1号")
    make_cf(clerk, company, "西市监罚〔2025〕2号")
    page = page_after(client_row, 0)
    page["events"][1]["payload"]["item_code"] = "NOPE"
    with pytest.raises(PullFailed, match=r"page after cursor 0, event \d+ \(record_version\): refused here"):
        _apply_page(inbound, page, 0)
    assert not Record.objects.filter(provider=inbound.organisation).exists()
    inbound.refresh_from_db()
    assert inbound.cursor == 0


def test_pull_refuses_an_agreement_it_cannot_use_before_any_request(catalogue, province, inbound):
    from pubcredit.exchange.services import exchange_pull

    def refused(match: str) -> None:
        with pytest.raises(PullFailed, match=match):
            exchange_pull(partner_code=inbound.code, token="pc_x", base_url="http://127.0.0.1:9")

    with pytest.raises(PullFailed, match="no exchange partner with code 'nobody'"):
        exchange_pull(partner_code="nobody", token="pc_x")
    with pytest.raises(PullFailed, match="not an inbound agreement"):
        exchange_pull(partner_code="province", token="pc_x")
    ExchangePartner.objects.filter(pk=inbound.pk).update(public_key="")
    refused("has no public key")
    ExchangePartner.objects.filter(pk=inbound.pk).update(public_key=public_key_pem(), actor_client=None)
    refused("needs an active API client of its own organisation with the collect scope")
    ExchangePartner.objects.filter(pk=inbound.pk).update(
        valid_until=dt.date(2025, 6, 1), valid_from=dt.date(2025, 1, 1)
    )
    refused("is not valid on 2025-06-10")


def test_admin_form_checks_items_key_and_provider(catalogue, province, inbound):
    from pubcredit.exchange.admin import ExchangePartnerForm

    data = {
        "code": "city",
        "name": "市平台",
        "organisation": inbound.organisation_id,
        "direction": "inbound",
        "item_codes": '["CF", "NOPE"]',
        "valid_from": "2025-01-01",
        "state": "active",
        "public_key": "not a key",
        "cursor": 0,
        "actor_client": inbound.actor_client_id,
    }
    form = ExchangePartnerForm(data=data)
    assert not form.is_valid()
    assert "目录项“NOPE”不存在" in str(form.errors["item_codes"])
    assert "Ed25519" in str(form.errors["public_key"])
    data.update(item_codes='["CF", "list:severe"]', public_key=public_key_pem())
    assert ExchangePartnerForm(data=data).is_valid()
