"""What the disclosure rules did to records: hide requests for good information, tombstones of purges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class HideMode(models.TextChoices):
    WITHHOLD = "withhold", "不予披露"
    DELETE = "delete", "删除"


class HideState(models.TextChoices):
    PENDING = "pending", "待办理"
    APPLIED = "applied", "已办理"
    CANCELLED = "cancelled", "已撤销"


class HideRequest(models.Model):
    """A subject asks not to disclose its own good information (西安 第二十一条, 元宝山 第二十八条).

    Under `withhold` the request takes effect at once; under `delete` the record is withheld at
    once and purged by the sweep on `due_on` (working days from `disclosure.hide_good_wd`), and
    the provider is told.
    """

    record = models.ForeignKey(
        "records.Record", verbose_name="信用记录", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    requested_by_label = models.CharField("申请人名称", max_length=150)
    requested_on = models.DateField("申请日期")
    mode = models.CharField("办理方式", max_length=10, choices=HideMode.choices)
    due_on = models.DateField("办理时限", null=True, blank=True)
    due_provisional = models.BooleanField("时限按暂定日历计算", default=False)
    state = models.CharField("状态", max_length=10, choices=HideState.choices, default=HideState.PENDING)
    article = models.CharField("依据", max_length=100)
    pack = models.CharField("政策包", max_length=20)
    applied_at = models.DateTimeField("办理时间", null=True, blank=True)
    provider_notified_at = models.DateTimeField("告知提供单位时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "不予披露良好信息申请"
        verbose_name_plural = "不予披露良好信息申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=~Q(state="cancelled"), name="hide_request_one_per_record"
            ),
            models.CheckConstraint(condition=Q(state__in=HideState.values), name="hide_request_state_known"),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="hide_request_due"),
            models.Index(fields=["subject", "created_at"], name="hide_request_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.get_state_display()}"


class Tombstone(models.Model):
    """What is left of a purged record: why and under which article; no personal content."""

    record_id = models.BigIntegerField("记录编号", unique=True)
    item_code = models.CharField("目录项编码", max_length=20)
    subject_kind = models.CharField("主体类型", max_length=10)
    reason = models.CharField("删除原因", max_length=200)
    article = models.CharField("依据", max_length=200)
    pack = models.CharField("政策包", max_length=20)
    purged_at = models.DateTimeField("删除时间")

    class Meta:
        verbose_name = "删除记录凭证"
        verbose_name_plural = "删除记录凭证"
        ordering = ["-purged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.reason}"
