"""Credit repair applications (信用修复申请) and their proof files.

谁认定、谁修复: an application is routed to the department that provided the bad record
(西安 第三十二条, 南通 第十六条, 元宝山 第二十九条), which decides it within the pack's limit. The
decision due date is computed once in working days, stored on the row and swept by index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RepairState(models.TextChoices):
    SUBMITTED = "submitted", "待决定"
    ACCEPTED = "accepted", "已修复"
    REJECTED = "rejected", "不予修复"


class RepairApplication(models.Model):
    number = models.CharField("申请编号", max_length=20, unique=True, null=True, blank=True)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="repair_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        "records.Record", verbose_name="失信记录", on_delete=models.PROTECT, related_name="repair_applications"
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="认定单位",
        on_delete=models.PROTECT,
        related_name="repair_applications",
        help_text="作出失信认定的信息提供单位（谁认定、谁修复）",
        db_index=False,  # the queue index starts with the provider
    )
    ground = models.TextField("申请理由")
    intentional = models.BooleanField(
        "失信行为出于主观故意",
        null=True,
        blank=True,
        help_text="仅在所在地规定排除主观故意的情形时声明（南通 第十六条）",
    )
    commitment_text = models.TextField("信用承诺书")
    commitment_signed_at = models.DateTimeField("承诺签署时间")
    received_on = models.DateField("受理日期")
    pack = models.CharField("政策包", max_length=20)
    state = models.CharField("状态", max_length=12, choices=RepairState.choices, default=RepairState.SUBMITTED)
    decision_due_on = models.DateField("决定期限", null=True, blank=True, help_text="为空表示所在地未规定期限")
    decision_due_provisional = models.BooleanField("期限按暂定日历计算", default=False)
    decision_due_basis = models.CharField("期限依据", max_length=200, blank=True)
    overdue = models.BooleanField("逾期未决定", default=False)
    overdue_since = models.DateField("逾期起始日", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by_label = models.CharField("决定人名称", max_length=150, blank=True)
    reason = models.TextField("决定理由", blank=True)
    hold_annotation = models.OneToOneField(
        "records.Annotation",
        verbose_name="修复标注",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_application",
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open application per record: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["record"], condition=Q(state="submitted"), name="repair_one_open_per_record"
            ),
            models.CheckConstraint(condition=Q(state__in=RepairState.values), name="repair_state_known"),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(decided_at__isnull=False), name="repair_decided_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "state", "decision_due_on"], name="repair_provider_queue"),
            models.Index(fields=["subject", "created_at"], name="repair_subject_created"),
            # The overdue sweep walks only open applications not yet flagged.
            models.Index(
                fields=["decision_due_on"],
                condition=Q(state="submitted", overdue=False, decision_due_on__isnull=False),
                name="repair_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"信用修复申请 {self.number or self.pk}"


class RepairProof(models.Model):
    """Proof that the obligations are met, stored by content address outside the web root."""

    application = models.ForeignKey(
        RepairApplication, verbose_name="修复申请", on_delete=models.PROTECT, related_name="proofs"
    )
    file_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("字节数")
    sm3 = models.CharField("SM3 摘要", max_length=64)
    path = models.CharField("存储位置", max_length=300)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "履行义务证明材料"
        verbose_name_plural = "履行义务证明材料"
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.file_name
