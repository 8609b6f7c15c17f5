"""Charged and free queries where a pack makes queries paid (收费查询, 杏花岭 第十一条).

One row per query of non-public information while `query.paid` is on: the free ones count a
subject's free self-queries of the year; the charged ones are what the centre invoices. Nothing
is written while queries are free.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class QueryCharge(models.Model):
    created_at = models.DateTimeField("查询时间", default=timezone.now)
    year = models.PositiveSmallIntegerField("年度")
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    viewer_kind = models.CharField("查询类型", max_length=12)
    viewer_label = models.CharField("查询者", max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    charged = models.BooleanField("收费")
    reason = models.CharField("说明", max_length=200)
    policy_key = models.CharField("依据参数", max_length=60)
    article = models.CharField("依据条款", max_length=100)

    class Meta:
        verbose_name = "收费查询"
        verbose_name_plural = "收费查询"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "year", "viewer_kind", "charged"], name="query_charge_quota"),
            models.Index(fields=["charged", "created_at"], name="query_charge_invoicing"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_label} {self.created_at:%Y-%m-%d} {'收费' if self.charged else '免费'}"
