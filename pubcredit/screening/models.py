"""Batch screening (批量筛查): a consumer department's list of names and codes checked against the
platform's subjects, with list status and applicable measures per match.

A job holds the uploaded file until it is processed; each input row gets one result row, unique
per (job, row number), so a worker killed half-way and run again finishes without duplicates.
False-match marks belong to the consumer organisation: (input key, subject) is not offered to
that organisation again until a reviewer undoes the mark.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "处理失败"


class Outcome(models.TextChoices):
    MATCHED = "matched", "匹配"
    POSSIBLE = "possible", "疑似"
    NONE = "none", "未匹配"
    INVALID = "invalid", "数据有误"


class ScreeningJob(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="使用单位", on_delete=models.PROTECT, related_name="screening_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_label = models.CharField("提交人名称", max_length=150)
    file_name = models.CharField("文件名", max_length=255)
    file_sm3 = models.CharField("文件 SM3 摘要", max_length=64)
    content = models.BinaryField("待处理文件", null=True, blank=True, editable=False)
    business_type = models.CharField("业务类型", max_length=20, blank=True)
    state = models.CharField("状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    total_rows = models.PositiveIntegerField("总行数", null=True, blank=True)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    matched_rows = models.PositiveIntegerField("匹配行数", default=0)
    error = models.TextField("失败原因", blank=True)
    lease_until = models.DateTimeField("处理租约到期", null=True, blank=True)
    screened_on = models.DateField("名单状态日期", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量筛查任务"
        verbose_name_plural = "批量筛查任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=JobState.values), name="screening_job_state_known"),
        ]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="screening_job_org_created"),
            models.Index(
                fields=["state", "id"], condition=Q(state__in=["queued", "running"]), name="screening_job_open"
            ),
        ]

    def __str__(self) -> str:
        return f"批量筛查 {self.pk}（{self.file_name}）"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state == JobState.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ScreeningRow(models.Model):
    """The result of one input row. `candidates` is a list of matched subjects as shown (persons
    masked), each with score, reason, lists and measures, best first."""

    job = models.ForeignKey(ScreeningJob, verbose_name="筛查任务", on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField("行号")
    input_name = models.CharField("输入名称", max_length=200, blank=True)
    input_code = models.CharField("输入代码", max_length=40, blank=True, help_text="身份证号码只存脱敏形式")
    input_key = models.CharField("输入键", max_length=300, blank=True, editable=False)
    alt_keys = models.JSONField("其他输入键", default=list, blank=True, editable=False)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    message = models.TextField("说明", blank=True)
    candidates = models.JSONField("匹配主体", default=list, blank=True)

    class Meta:
        verbose_name = "批量筛查结果"
        verbose_name_plural = "批量筛查结果"
        ordering = ["job_id", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="screening_row_unique"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="screening_row_outcome_known"),
        ]

    def __str__(self) -> str:
        return f"第 {self.row_number} 行"


class FalseMatch(models.Model):
    """(input key, subject) never offered again to `organisation`, until undone."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="使用单位", on_delete=models.PROTECT, related_name="+"
    )
    input_key = models.CharField("输入键", max_length=300)
    input_label = models.CharField("输入内容", max_length=200, blank=True)
    subject = models.ForeignKey("subjects.Subject", verbose_name="信用主体", on_delete=models.CASCADE, related_name="+")
    marked_by_label = models.CharField("标记人", max_length=150)
    marked_at = models.DateTimeField("标记时间", auto_now_add=True)
    job = models.ForeignKey(
        ScreeningJob,
        verbose_name="标记时的筛查任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by_label = models.CharField("撤销人", max_length=150, blank=True)

    class Meta:
        verbose_name = "误匹配标记"
        verbose_name_plural = "误匹配标记"
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "input_key", "subject"],
                condition=Q(undone_at__isnull=True),
                name="screening_false_match_active_unique",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "input_key"], name="screening_false_match_key")]

    def __str__(self) -> str:
        return f"误匹配：{self.input_label} ≠ {self.subject_id}"
