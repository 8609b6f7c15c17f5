"""Objections (异议申请): one application per subject, one item per disputed record, evidence files.

Every due date is computed once from the pack in force on the day the application was received
(`rules.py`), stored on the row and swept by index (`objections_sweep`). `due_on` is the due date
of the stage the application is in, so one partial index serves the whole desk; each item keeps
the provider's own due date while it is being verified.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Ground(models.TextChoices):
    """The grounds of an objection (西安 第二十八条)."""

    ERROR = "error", "信息存在错误或遗漏"
    SECRET = "secret", "侵犯商业秘密或个人隐私"
    EXPIRED = "expired", "超过披露期限仍在披露"
    OTHER = "other", "其他法定事由"


class Channel(models.TextChoices):
    ONLINE = "online", "网上申请"
    COUNTER = "counter", "窗口书面申请"


class ObjectionState(models.TextChoices):
    CHECKING = "checking", "平台核查中"
    VERIFYING = "verifying", "提供单位核查中"
    ANSWERED = "answered", "待告知结果"
    CLOSED = "closed", "已办结"
    REVIEW = "review", "复核中"


#: States in which a stage is running with a due date.
OPEN_STATES: tuple[str, ...] = ("checking", "verifying", "answered", "review")


class ItemState(models.TextChoices):
    PENDING = "pending", "待平台核查"
    VERIFYING = "verifying", "提供单位核查中"
    DONE = "done", "已处理"


class ItemResult(models.TextChoices):
    PLATFORM_CORRECTED = "platform_corrected", "平台原因，已更正"
    PLATFORM_WITHDRAWN = "platform_withdrawn", "平台原因，已撤销"
    CORRECTED = "corrected", "提供单位已更正"
    CONFIRMED = "confirmed", "经核实无误"
    UNVERIFIABLE_DELETED = "unverifiable_deleted", "无法核实，已删除"
    UNVERIFIABLE_ANNOTATED = "unverifiable_annotated", "无法核实，已附注声明"


class ReviewResult(models.TextChoices):
    UPHELD = "upheld", "维持原处理结果"
    REVERIFY = "reverify", "责成提供单位重新核查"


class Objection(models.Model):
    number = models.CharField("异议编号", max_length=20, unique=True)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="网上申请时的账号；窗口申请为空",
    )
    by_agent = models.BooleanField("委托代理人申请", default=False)
    authorisation_ref = models.CharField("授权委托书编号", max_length=100, blank=True)
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ground = models.CharField("异议事由", max_length=10, choices=Ground.choices)
    statement = models.TextField("异议说明")
    received_on = models.DateField("收到申请日期")
    pack = models.CharField("适用政策包", max_length=30)
    state = models.CharField("状态", max_length=12, choices=ObjectionState.choices, default=ObjectionState.CHECKING)
    # Stage due dates, each computed once (rules.py); `due_on` is the running stage's.
    due_on = models.DateField("当前环节办理时限", null=True, blank=True)
    check_due_on = models.DateField("平台核查时限", null=True, blank=True)
    forward_due_on = models.DateField("转提供单位时限", null=True, blank=True)
    total_due_on = models.DateField("办理总时限", null=True, blank=True)
    checked_on = models.DateField("平台核查日期", null=True, blank=True)
    notice_due_on = models.DateField("告知申请人时限", null=True, blank=True)
    answered_on = models.DateField("处理结果形成日期", null=True, blank=True)
    closed_on = models.DateField("告知办结日期", null=True, blank=True)
    review_requested_on = models.DateField("申请复核日期", null=True, blank=True)
    review_due_on = models.DateField("复核时限", null=True, blank=True)
    review_result = models.CharField("复核结论", max_length=10, choices=ReviewResult.choices, blank=True)
    review_reason = models.TextField("复核意见", blank=True)
    disagreement = models.TextField("申请人对处理结果的异议及理由", blank=True)
    outcome_note = models.TextField("处理结果说明", blank=True)
    overdue = models.BooleanField("当前环节已逾期", default=False)
    escalated = models.BooleanField("已提交督办", default=False)
    sanctions_suspended = models.BooleanField("核实期间暂停联合惩戒", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "异议申请"
        verbose_name_plural = "异议申请"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ObjectionState.values), name="objection_state_known"),
            models.CheckConstraint(condition=Q(ground__in=Ground.values), name="objection_ground_known"),
        ]
        indexes = [
            # The sweep and the desk: running stages by due date, only those not yet flagged.
            models.Index(
                fields=["due_on"],
                condition=Q(state__in=list(OPEN_STATES), overdue=False, due_on__isnull=False),
                name="objection_open_due",
            ),
            models.Index(fields=["state", "due_on"], name="objection_state_due"),
            models.Index(fields=["subject", "received_on"], name="objection_subject_received"),
        ]

    def __str__(self) -> str:
        return self.number


class ObjectionItem(models.Model):
    """One disputed record of an application, verified by the record's provider."""

    objection = models.ForeignKey(Objection, verbose_name="异议申请", on_delete=models.PROTECT, related_name="items")
    record = models.ForeignKey(
        "records.Record", verbose_name="信用记录", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    item_code = models.CharField("目录项编码", max_length=20)
    # No single-column index: the (provider, state) index below starts with it.
    provider = models.ForeignKey(
        "accounts.Organisation", verbose_name="信息提供单位", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    state = models.CharField("状态", max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    forwarded_on = models.DateField("转提供单位日期", null=True, blank=True)
    provider_due_on = models.DateField("提供单位答复时限", null=True, blank=True)
    overdue = models.BooleanField("提供单位逾期", default=False)
    result = models.CharField("处理结果", max_length=24, choices=ItemResult.choices, blank=True)
    reason = models.TextField("处理说明", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by_label = models.CharField("答复人", max_length=150, blank=True)
    hold_id = models.PositiveIntegerField("异议标注编号", null=True, blank=True)
    overdue_hold_id = models.PositiveIntegerField("逾期暂停查询标注编号", null=True, blank=True)
    statement_id = models.PositiveIntegerField("声明标注编号", null=True, blank=True)

    class Meta:
        verbose_name = "异议信息项"
        verbose_name_plural = "异议信息项"
        ordering = ["objection_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "objection"], name="objection_item_record_once"),
        ]
        indexes = [
            models.Index(
                fields=["provider_due_on"],
                condition=Q(state="verifying", overdue=False, provider_due_on__isnull=False),
                name="objection_item_provider_due",
            ),
            models.Index(fields=["provider", "state"], name="objection_item_provider_state"),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} 记录 {self.record_id}"


class ObjectionEvidence(models.Model):
    """A proof file, stored by content address outside the web root."""

    objection = models.ForeignKey(Objection, verbose_name="异议申请", on_delete=models.PROTECT, related_name="evidence")
    file_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小")
    sm3 = models.CharField("SM3 摘要", max_length=64)
    path = models.CharField("存储路径", max_length=200)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "异议证明材料"
        verbose_name_plural = "异议证明材料"
        ordering = ["objection_id", "id"]

    def __str__(self) -> str:
        return self.file_name
