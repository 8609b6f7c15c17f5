"""Models of the shared kernel: the operator-edited working-day calendar and the audit log.

Neither refers to a user by foreign key: `core` depends on no domain app, so the acting user is
kept as its id and a label, which also keeps the record readable after the account is gone.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

_HEX64 = RegexValidator(r"^[0-9a-f]{64}$", "应为 64 位小写十六进制 SM3 摘要。")


class CalendarYear(models.Model):
    """One year of the official holiday schedule as entered by an operator."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿（按暂定计算）"
        OFFICIAL = "official", "正式"

    year = models.PositiveSmallIntegerField(
        "年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    source_note = models.TextField(
        "依据", blank=True, help_text="例如：国务院办公厅关于2027年部分节假日安排的通知（文号、发布日期）。"
    )
    entered_by_id = models.BigIntegerField("录入人编号", null=True, blank=True, editable=False)
    entered_by_label = models.CharField("录入人", max_length=150, blank=True, editable=False)
    entered_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年（{self.get_status_display()}）"

    @property
    def is_official(self) -> bool:
        return self.status == self.Status.OFFICIAL


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a day off (春节) or a make-up working day (调休上班)."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度")
    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("上班", help_text="勾选表示当天上班（如调休上班的周末），不勾选表示放假。")
    name = models.CharField("名称", max_length=40, blank=True, help_text="例如：春节、国庆节调休上班。")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "工作日历日期"
        verbose_name_plural = "工作日历日期"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {'上班' if self.is_working_day else '放假'} {self.name}".strip()

    def clean(self) -> None:
        try:
            year = self.calendar_year.year
        except ObjectDoesNotExist:
            return
        if self.date is not None and self.date.year != year:
            raise ValidationError({"date": f"日期 {self.date.isoformat()} 不属于 {year} 年度。"})


class AuditEvent(models.Model):
    """One link of the append-only audit chain: hash = SM3(prev_hash || canonical JSON of the event)."""

    seq = models.PositiveBigIntegerField("序号", primary_key=True)
    occurred_at = models.DateTimeField("发生时间")
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True)
    actor_label = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=100)
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    data = models.JSONField("内容", default=dict, blank=True)
    prev_hash = models.CharField("前序摘要", max_length=64, unique=True, validators=[_HEX64])
    hash = models.CharField("摘要", max_length=64, unique=True, validators=[_HEX64])

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="core_audit_actor_idx"),
            models.Index(fields=["action", "occurred_at"], name="core_audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}".rstrip(":")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The database refuses UPDATE too; failing here first gives a clearer error in Python.
        if not self._state.adding:
            raise ValueError("audit events are append-only and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only and cannot be deleted")
