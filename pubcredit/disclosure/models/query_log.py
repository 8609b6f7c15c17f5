"""The query log (查询日志): every look at non-public information, kept per the pack.

Who looked (label, user, API client, organisation), when, at which subject and items, for what
purpose and on what basis, and whether it was shown or refused (西安 第十九条, 大连 第十八条,
元宝山 第二十七条). `retain_until` is computed once from `query_log.retention_years` and swept by
index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class QueryOutcome(models.TextChoices):
    SHOWN = "shown", "已提供"
    REFUSED = "refused", "已拒绝"


#: How each kind of viewer is named on the subject's "who looked at my record" page.
VIEWER_KIND_LABELS = {
    "public": "社会公众",
    "subject": "本人查询",
    "authorised": "授权查询",
    "sharing": "政务共享",
    "provider": "信息提供单位",
    "operator": "信用中心工作人员",
    "check": "信用核查",
}


class QueryLogEntry(models.Model):
    created_at = models.DateTimeField("查询时间", default=timezone.now)
    viewer_label = models.CharField("查询者", max_length=150)
    viewer_kind = models.CharField("查询类型", max_length=12)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    api_client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name="API 客户端",
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
        db_index=False,
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    item_codes = models.JSONField("查询事项", default=list)
    purpose = models.CharField("查询用途", max_length=300, blank=True)
    basis = models.CharField("查询依据", max_length=200, blank=True)
    outcome = models.CharField("结果", max_length=8, choices=QueryOutcome.choices, default=QueryOutcome.SHOWN)
    reason = models.CharField("原因", max_length=300, blank=True)
    retain_until = models.DateField("保存截止日")
    retain_article = models.CharField("保存期限依据", max_length=100, blank=True)

    class Meta:
        verbose_name = "查询日志"
        verbose_name_plural = "查询日志"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=QueryOutcome.values), name="query_log_outcome_known"),
        ]
        indexes = [
            models.Index(fields=["subject", "created_at"], name="query_log_subject_created"),
            models.Index(fields=["retain_until"], name="query_log_retain_until"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_label} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def viewer_kind_label(self) -> str:
        return VIEWER_KIND_LABELS.get(self.viewer_kind, self.viewer_kind)
