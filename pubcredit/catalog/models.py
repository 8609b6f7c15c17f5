"""The public credit information catalogue (公共信用信息目录), one row per item version.

An item is revised by publishing a new version; the old one keeps its row and gets `valid_to`,
so that records keep pointing at the version they were collected under (西安 第九条: 动态管理).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from pubcredit.catalog.fields import FieldSpec, specs_from_json
from pubcredit.catalog.rules import INFO_CLASSES, KINDS, OPENNESS


class CatalogItem(models.Model):
    class Status(models.TextChoices):
        draft = "draft", "草稿"
        published = "published", "已发布"
        retired = "retired", "已停用"

    code = models.CharField("编码", max_length=20, db_index=True)
    version = models.PositiveIntegerField("版本")
    valid_from = models.DateField("适用起始日")
    valid_to = models.DateField("适用截止日", null=True, blank=True, help_text="含当日；为空表示现行有效")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.draft)
    name = models.CharField("名称", max_length=200)
    description = models.TextField("说明", blank=True)
    info_class = models.CharField("信息类别", max_length=16, choices=list(INFO_CLASSES.items()))
    kind = models.CharField("信息性质", max_length=8, choices=list(KINDS.items()))
    subject_kinds = models.JSONField("适用主体", default=list, help_text='如 ["org", "person"]')
    fields = models.JSONField("字段", default=list)
    openness = models.CharField("公开属性", max_length=16, choices=list(OPENNESS.items()))
    period_rule = models.JSONField("披露期限规则", default=dict)
    dual_publicity = models.BooleanField("双公示事项", default=False)
    reporting_wd = models.PositiveSmallIntegerField(
        "报送时限（工作日）", null=True, blank=True, help_text="决定作出后多少个工作日内报送；双公示事项为空时按政策包"
    )
    update_frequency = models.CharField("更新频率", max_length=50, blank=True)
    legal_basis = models.TextField("依据", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "目录项"
        verbose_name_plural = "公共信用信息目录"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="catalog_item_code_version_unique"),
        ]
        indexes = [models.Index(fields=["status", "valid_from"], name="catalog_item_status_from")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}（第{self.version}版）"

    def field_specs(self) -> list[FieldSpec]:
        """Parsed once per `fields` value this instance holds: the public read path shares one
        instance per catalogue version across requests, and labels every record with it."""
        memo = self.__dict__.get("_specs_memo")
        if memo is None or memo[0] is not self.fields:
            memo = self.__dict__["_specs_memo"] = (self.fields, tuple(specs_from_json(self.fields)))
        return list(memo[1])

    def is_valid_on(self, on: dt.date) -> bool:
        return (
            self.status == self.Status.published
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )

    def snapshot(self) -> dict[str, Any]:
        """The content of this version, for audit data and for copying into the next version."""
        return {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "info_class": self.info_class,
            "kind": self.kind,
            "subject_kinds": list(self.subject_kinds),
            "fields": list(self.fields),
            "openness": self.openness,
            "period_rule": dict(self.period_rule),
            "dual_publicity": self.dual_publicity,
            "reporting_wd": self.reporting_wd,
            "update_frequency": self.update_frequency,
            "legal_basis": self.legal_basis,
        }
