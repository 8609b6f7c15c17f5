"""The polling publisher: every change once, in order, whatever the number of runs."""

import datetime as dt

import pytest
from django.utils import timezone

from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.disclosure.models.outcomes import Tombstone
from pubcredit.exchange.collect import SETTLE, _advance, exchange_collect
from pubcredit.exchange.models import ChangeEvent, ChangeKind, CollectWatermark
from pubcredit.exchange.tests.conftest import make_cf
from pubcredit.lists.tests.factories import enter
from pubcredit.records.models import AnnotationKind, RecordStatus
from pubcredit.records.services import (
    record_correct,
    record_create,
    record_hold_lift,
    record_hold_place,
    record_withdraw,
)
from pubcredit.records.tests.conftest import cf_data
from pubcredit.subjects.tests.factories import PersonSubjectFactory

pytestmark = pytest.mark.django_db


def kinds() -> list[tuple[str, int, int]]:
    return list(ChangeEvent.objects.order_by("pk").values_list("kind", "source_id", "source_version"))


def test_versions_holds_and_purges_are_collected_once_in_order(catalogue, clerk, company, today):
    record = make_cf(clerk, company)
    assert exchange_collect().added["record_version"] == 1
    assert exchange_collect().total == 0  # nothing new: the quick check returns
    assert exchange_collect(force=True).total == 0

    record_correct(actor=clerk, record=record, reason="金额有误", data=cf_data(company, CF_NR_FK="3"))
    hold = record_hold_place(
        actor=None,
        record=record,
        kind=AnnotationKind.REPAIR,
        text="已信用修复",
        article="西安 第三十二条",
        workflow="t",
    )
    result = exchange_collect()
    assert (result.added["record_version"], result.added["annotation"]) == (1, 1)

    corrected = ChangeEvent.objects.filter(kind=ChangeKind.RECORD_VERSION).order_by("pk")[1]
    assert corrected.payload["data"]["CF_NR_FK"] == "3"
    record_hold_lift(actor=None, annotation=hold, reason="撤销", workflow="t")
    assert exchange_collect().added["annotation_lift"] == 1
    record_withdraw(actor=clerk, record=record, reason="撤回")
    Tombstone.objects.create(
        record_id=record.pk,
        item_code="CF",
        subject_kind="org",
        reason="信息主体申请删除",
        article="元宝山 第二十八条",
        pack="yuanbaoshan",
        purged_at=timezone.now(),
    )
    result = exchange_collect()
    assert (result.added["record_version"], result.added["tombstone"]) == (1, 1)
    assert [k for k, _, _ in kinds()] == [
        ChangeKind.RECORD_VERSION,
        ChangeKind.RECORD_VERSION,
        ChangeKind.HOLD_PLACED,
        ChangeKind.HOLD_LIFTED,
        ChangeKind.RECORD_VERSION,
        ChangeKind.PURGE,
    ]
    versions = ChangeEvent.objects.filter(kind=ChangeKind.RECORD_VERSION).order_by("pk")
    assert [(e.payload["version"], e.payload["status"]) for e in versions] == [
        (1, RecordStatus.ACTIVE),
        (2, RecordStatus.ACTIVE),
        (3, RecordStatus.WITHDRAWN),
    ]
    # The purge empties the content of the record's earlier events (the feed keeps no deleted content).
    assert all(e.payload["data"] == {} and e.payload["purged"] for e in versions)
    assert {e.subject_key for e in ChangeEvent.objects.all()} == {company.uscc}


def test_collecting_again_from_zero_adds_nothing(catalogue, clerk, company, today):
    make_cf(clerk, company, "西市监罚〔2025〕1号")
    make_cf(clerk, company, "西市监罚〔2025〕2号")
    exchange_collect()
    before = kinds()
    CollectWatermark.objects.update(last_id=0, last_changed_at=None, gap_since=None)
    assert exchange_collect(force=True).total == 0
    assert kinds() == before


def test_person_is_keyed_by_blind_index_never_the_id_number(catalogue, clerk, today):
    person = PersonSubjectFactory.create()
    record_create(
        actor=clerk,
        provider=clerk.organisation,
        subject=person,
        item=catalog_item_get("CF"),
        source_ref="西市监罚〔2025〕9号",
        decided_on=dt.date(2025, 5, 6),
        data=cf_data(person, wsh="西市监罚〔2025〕9号"),
    )
    exchange_collect()
    (event,) = ChangeEvent.objects.all()
    assert event.subject_key == person.id_number_index
    assert person.plain_id_number not in str(event.payload) and person.plain_id_number not in event.subject_key


def test_list_entry_and_exit_are_collected(catalogue, clerk, company, today):
    record = make_cf(clerk, company)
    entry = enter(clerk, company, code="watch", records=[record])
    result = exchange_collect()
    assert result.added["list_entry"] == 1
    event = ChangeEvent.objects.get(kind=ChangeKind.LIST_ENTRY)
    assert event.item_code == "list:watch" and event.payload["number"] == entry.number
    assert exchange_collect(force=True).added["list_entry"] == 0


def test_a_hole_in_the_ids_holds_the_watermark_until_it_settles():
    mark = CollectWatermark(source="x", last_id=1)
    now = timezone.now()
    _advance(mark, [2, 4, 5], now)
    assert (mark.last_id, mark.gap_since) == (2, now)
    _advance(mark, [4, 5], now + SETTLE / 2)
    assert mark.last_id == 2
    _advance(mark, [4, 5], now + SETTLE + dt.timedelta(seconds=1))
    assert (mark.last_id, mark.gap_since) == (5, None)
