"""Catalogue factories (personas come from pubcredit.accounts.tests.factories)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from pubcredit.catalog.models import CatalogItem


def simple_fields() -> list[dict[str, Any]]:
    return [
        {"name": "subject_name", "label": "主体名称", "type": "string", "required": True},
        {"name": "uscc", "label": "统一社会信用代码", "type": "uscc", "required_for": ["org"]},
        {"name": "amount", "label": "金额（元）", "type": "decimal"},
        {"name": "happened_on", "label": "发生日期", "type": "date"},
    ]


class CatalogItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogItem

    code = factory.Sequence(lambda n: f"T{n}")
    version = 1
    valid_from = dt.date(2020, 1, 1)
    status = CatalogItem.Status.published
    name = factory.Sequence(lambda n: f"测试目录项{n}")
    info_class = "supervision"
    kind = "bad"
    subject_kinds = factory.LazyFunction(lambda: ["org", "person"])
    fields = factory.LazyFunction(simple_fields)
    openness = "public"
    period_rule = factory.LazyFunction(lambda: {"mode": "pack"})
    legal_basis = "元宝山 第七条（十二）"
