"""Batches, raw uploads, self-declarations and reporting duties.

A batch row is written whatever the outcome, in its own transaction, so a rejected batch keeps
its report while none of its records land (core invariant: a batch lands whole or not at all).
The raw upload is kept, addressed by its SM3 hash, until `retain_until`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class BatchChannel(models.TextChoices):
    API = "api", "接口报送"
    FILE = "file", "文件上传"


class BatchStatus(models.TextChoices):
    ACCEPTED = "accepted", "已入库"
    PARTIAL = "partial", "部分入库"
    REJECTED = "rejected", "已退回"


class RawUpload(models.Model):
    """A provider's file (or API body) exactly as received, kept for the retention period."""

    sm3 = models.CharField("SM3 摘要", max_length=64, unique=True)
    size = models.BigIntegerField("字节数")
    path = models.CharField("存储位置", max_length=300, help_text="相对于上传目录")
    retain_until = models.DateField("保存截止日")
    retention_basis = models.CharField("保存期限依据", max_length=200)
    created_at = models.DateTimeField("接收时间", auto_now_add=True)
    purged_at = models.DateTimeField("文件删除时间", null=True, blank=True, help_text="保存期满后删除文件，记录保留")

    class Meta:
        verbose_name = "原始报送文件"
        verbose_name_plural = "原始报送文件"
        indexes = [models.Index(fields=["retain_until", "purged_at"], name="raw_upload_retention_sweep")]

    def __str__(self) -> str:
        return self.sm3[:12]


class Batch(models.Model):
    """One submission of records for one catalogue item by one provider, and its outcome."""

    provider = models.ForeignKey(
        "accounts.Organisation", verbose_name="信息提供单位", on_delete=models.PROTECT, related_name="batches"
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", verbose_name="目录项（版本）", on_delete=models.PROTECT, related_name="batches"
    )
    item_code = models.CharField("目录项编码", max_length=20)
    ref = models.CharField("批次号", max_length=64, help_text="报送方的批次号；同一单位的已入库批次号不重复")
    channel = models.CharField("报送方式", max_length=8, choices=BatchChannel.choices)
    status = models.CharField("结果", max_length=10, choices=BatchStatus.choices)
    partial = models.BooleanField("允许部分入库", default=False)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    raw = models.ForeignKey(
        RawUpload, verbose_name="原始文件", null=True, blank=True, on_delete=models.PROTECT, related_name="batches"
    )
    content_sm3 = models.CharField("内容摘要", max_length=64, help_text="文件或请求内容的 SM3 摘要")
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_created = models.PositiveIntegerField("新增", default=0)
    rows_updated = models.PositiveIntegerField("更正（新版本）", default=0)
    rows_unchanged = models.PositiveIntegerField("未变化", default=0)
    rows_rejected = models.PositiveIntegerField("退回行数", default=0)
    problems = models.JSONField("问题清单", default=list, help_text="行号、字段、原因；最多保存前若干条")
    problems_count = models.PositiveIntegerField("问题总数", default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by_label = models.CharField("报送人名称", max_length=150)
    received_at = models.DateTimeField("接收时间")
    finished_at = models.DateTimeField("完成时间")
    seconds = models.FloatField("处理用时（秒）", default=0)

    class Meta:
        verbose_name = "报送批次"
        verbose_name_plural = "报送批次"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "ref"],
                condition=~Q(status=BatchStatus.REJECTED),
                name="batch_provider_ref_unique_landed",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "received_at"], name="batch_provider_received"),
            models.Index(fields=["provider", "ref"], name="batch_provider_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.ref}"

    @property
    def landed(self) -> bool:
        return self.status != BatchStatus.REJECTED


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    FOUND_FALSE = "found_false", "查实虚假"


class Declaration(models.Model):
    """A subject's own good information (自主申报), reviewed by the credit centre."""

    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="declarations"
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", verbose_name="目录项（版本）", on_delete=models.PROTECT, related_name="declarations"
    )
    data = models.JSONField("申报内容", default=dict)
    decided_on = models.DateField("取得日期")
    statement = models.TextField("申报说明", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=DeclarationStatus.choices, default=DeclarationStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申报人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("申报时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.TextField("审核意见", blank=True)
    record = models.OneToOneField(
        "records.Record",
        verbose_name="形成的信用记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declaration",
    )
    warning_record = models.OneToOneField(
        "records.Record",
        verbose_name="警示记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="false_declaration",
    )

    class Meta:
        verbose_name = "自主申报"
        verbose_name_plural = "自主申报"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="declaration_status_submitted")]

    def __str__(self) -> str:
        return f"{self.item} 申报 {self.pk}"


class DeclarationAttachment(models.Model):
    """Proof attached to a declaration (certificate scans); stored outside the web root."""

    declaration = models.ForeignKey(
        Declaration, verbose_name="自主申报", on_delete=models.PROTECT, related_name="attachments"
    )
    file_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("字节数")
    sm3 = models.CharField("SM3 摘要", max_length=64)
    path = models.CharField("存储位置", max_length=300)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"

    def __str__(self) -> str:
        return self.file_name


class ReportingDuty(models.Model):
    """A provider's duty to report one catalogue item at a frequency; `next_due_on` is swept daily."""

    provider = models.ForeignKey(
        "accounts.Organisation", verbose_name="信息提供单位", on_delete=models.PROTECT, related_name="reporting_duties"
    )
    item_code = models.CharField("目录项编码", max_length=20)
    frequency = models.CharField("报送频率", max_length=20)
    last_reported_on = models.DateField("最近报送日期", null=True, blank=True)
    next_due_on = models.DateField("下次报送截止日")
    next_due_provisional = models.BooleanField("截止日按暂定日历计算", default=False)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "报送义务"
        verbose_name_plural = "报送义务"
        constraints = [
            models.UniqueConstraint(fields=["provider", "item_code"], name="reporting_duty_provider_item_unique")
        ]
        indexes = [models.Index(fields=["active", "next_due_on"], name="reporting_duty_due_sweep")]

    def __str__(self) -> str:
        return f"{self.provider} {self.item_code}"


class NoticeStage(models.TextChoices):
    REMINDER = "reminder", "书面催报"
    ORDER = "order", "责令限期改正"
    CRITICISM = "criticism", "通报批评"
    ACCOUNTABILITY = "accountability", "提请追究责任"


class ReportingNotice(models.Model):
    """A written reminder (催报, 西安 第三十四条), an order to correct (大连 第十九条), a listing for
    public criticism (通报批评) or a referral for accountability (南通 第二十二条), per pack."""

    duty = models.ForeignKey(ReportingDuty, verbose_name="报送义务", on_delete=models.PROTECT, related_name="notices")
    provider = models.ForeignKey(
        "accounts.Organisation", verbose_name="信息提供单位", on_delete=models.PROTECT, related_name="reporting_notices"
    )
    stage = models.CharField("阶段", max_length=16, choices=NoticeStage.choices)
    due_on = models.DateField("逾期的报送截止日")
    issued_on = models.DateField("发出日期")
    text = models.TextField("内容")
    article = models.CharField("依据", max_length=200)
    resolved_on = models.DateField("已补报日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "催报与通报"
        verbose_name_plural = "催报与通报"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "due_on", "stage"], name="reporting_notice_once_per_stage"),
        ]
        indexes = [models.Index(fields=["stage", "resolved_on"], name="reporting_notice_open")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.provider} {self.due_on}"
