import datetime as dt

import pytest
import time_machine

from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_item_get, catalog_item_versions, catalog_items_published
from pubcredit.catalog.services import catalog_item_publish, catalog_item_retire, catalog_item_revise
from pubcredit.catalog.tests.factories import simple_fields
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def publish(actor, **overrides):
    content = {
        "code": "ZX",
        "name": "专项检查不合格信息",
        "info_class": "supervision",
        "kind": "bad",
        "subject_kinds": ["org"],
        "fields": simple_fields(),
        "openness": "public",
        "period_rule": {"mode": "months", "months": 36},
        "valid_from": dt.date(2024, 1, 1),
        "legal_basis": "元宝山 第七条（九）",
    }
    content.update(overrides)
    return catalog_item_publish(actor=actor, **content)


def test_operator_publishes_version_one_and_it_is_audited(operator):
    item = publish(operator)
    assert (item.code, item.version, item.status) == ("ZX", 1, CatalogItem.Status.published)
    event = AuditEvent.objects.get(action="catalog.item.publish")
    assert event.target_id == str(item.pk)
    assert event.actor_id == operator.pk


def test_non_operator_cannot_publish(clerk):
    with pytest.raises(PermissionDenied) as exc:
        publish(clerk)
    assert "信用中心" in exc.value.message
    assert not CatalogItem.objects.exists()


def test_superuser_may_publish(db):
    from pubcredit.accounts.tests.factories import SuperuserFactory

    admin = SuperuserFactory.create()
    assert publish(admin).version == 1


def test_forbidden_field_is_refused_on_publish(operator):
    fields = [*simple_fields(), {"name": "blood", "label": "血型", "type": "string"}]
    with pytest.raises(ValidationFailed) as exc:
        publish(operator, fields=fields)
    assert "血型" in exc.value.message and "禁止归集" in exc.value.message
    assert not CatalogItem.objects.exists()


def test_code_cannot_be_published_twice(operator):
    publish(operator)
    with pytest.raises(ValidationFailed) as exc:
        publish(operator)
    assert "已存在" in exc.value.message


@time_machine.travel(dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC))
def test_revision_creates_a_new_version_and_closes_the_old(operator):
    first = publish(operator)
    second = catalog_item_revise(
        actor=operator,
        code="ZX",
        changes={"period_rule": {"mode": "months", "months": 24}},
        valid_from=dt.date(2025, 7, 1),
    )
    first.refresh_from_db()
    assert second.version == 2
    assert first.valid_to == dt.date(2025, 6, 30)
    assert first.period_rule == {"mode": "months", "months": 36}
    assert catalog_item_get("ZX", on=dt.date(2025, 6, 30)).version == 1
    assert catalog_item_get("ZX", on=dt.date(2025, 7, 1)).version == 2
    assert catalog_item_get("ZX").version == 1  # today is 2025-06-10
    assert [v.version for v in catalog_item_versions("ZX")] == [2, 1]
    event = AuditEvent.objects.get(action="catalog.item.revise")
    assert event.data["changed"] == ["period_rule"]


@time_machine.travel(dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC))
def test_revision_on_the_same_day_supersedes_at_once(operator):
    publish(operator, valid_from=dt.date(2025, 6, 10))
    catalog_item_revise(actor=operator, code="ZX", changes={"name": "专项检查不合格信息（修订）"})
    assert catalog_item_get("ZX").version == 2
    assert catalog_items_published().count() == 1


def test_revision_refusals(operator, clerk):
    publish(operator)
    with pytest.raises(PermissionDenied):
        catalog_item_revise(actor=clerk, code="ZX", changes={"name": "新名称"})
    with pytest.raises(ValidationFailed) as exc:
        catalog_item_revise(actor=operator, code="ZX", changes={"code": "ZY"})
    assert "code" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        catalog_item_revise(actor=operator, code="ZX", changes={"name": "专项检查不合格信息"})
    assert "没有任何改动" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        catalog_item_revise(actor=operator, code="ZX", changes={"kind": "awful"})
    assert "信息性质“awful”无效" in exc.value.message
    with pytest.raises(ValidationFailed):
        catalog_item_revise(actor=operator, code="NOPE", changes={"name": "x"})
    assert CatalogItem.objects.filter(code="ZX").count() == 1


@time_machine.travel(dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC))
def test_retired_item_answers_only_for_its_past(operator):
    publish(operator)
    catalog_item_retire(actor=operator, code="ZX", last_day=dt.date(2025, 6, 9))
    assert catalog_item_get("ZX", on=dt.date(2025, 6, 9)).status == CatalogItem.Status.retired
    with pytest.raises(NotFound) as exc:
        catalog_item_get("ZX")
    assert "ZX" in exc.value.message and "2025-06-10" in exc.value.message


def test_unknown_code_is_not_found_in_chinese(db):
    with pytest.raises(NotFound) as exc:
        catalog_item_get("NOPE", on=dt.date(2025, 1, 1))
    assert exc.value.message == "目录项“NOPE”在 2025-01-01 不存在或未生效"
