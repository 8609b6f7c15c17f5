"""Credit records (信用记录), their versions and their annotations.

A record is never overwritten: a correction or withdrawal writes the next `RecordVersion`
(core invariant). The disclosure end, the retention end and the reporting deadline are computed
once, stored on the row with the rules that decided them, and swept by index.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from pubcredit.records.rules import CLASS_LABELS, KIND_LABELS, TIERS


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    WITHDRAWN = "withdrawn", "已撤回"
    ARCHIVED = "archived", "已转档案"
    PURGED = "purged", "已删除"


class DisclosureBasis(models.Model):
    """The rules that decided a record's period and deadline, stored once per distinct content.

    A batch of a million penalties decided on a few hundred days shares a few hundred bases; each
    record points at its basis instead of repeating the same JSON (what `explain` shows).
    """

    digest = models.CharField("SM3 摘要", max_length=64, unique=True)
    content = models.JSONField("依据内容")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "披露期限依据"
        verbose_name_plural = "披露期限依据"

    def __str__(self) -> str:
        return str(self.content.get("summary", self.digest[:12]))


class Record(models.Model):
    # No single-column indexes on subject and provider: the composite indexes below start with them.
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
    )
    subject_kind = models.CharField("主体类型", max_length=10, editable=False)
    item = models.ForeignKey(
        "catalog.CatalogItem",
        verbose_name="目录项（版本）",
        on_delete=models.PROTECT,
        related_name="records",
        help_text="归集时适用的目录项版本",
        db_index=False,  # catalogue versions are never deleted; reads go by item_code
    )
    item_code = models.CharField("目录项编码", max_length=20, editable=False)
    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="信息提供单位",
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
    )
    batch_ref = models.CharField("批次", max_length=64, blank=True)
    source_ref = models.CharField("来源文号", max_length=200, blank=True, help_text="如行政处罚决定书文号")
    info_class = models.CharField("信息类别", max_length=16, choices=list(CLASS_LABELS.items()))
    kind = models.CharField("信息性质", max_length=8, choices=list(KIND_LABELS.items()))
    tier = models.CharField("失信等级", max_length=8, choices=list(TIERS.items()), null=True, blank=True)
    decided_on = models.DateField("决定日期")
    end_date = models.DateField("认定终止之日", null=True, blank=True)
    data = models.JSONField("内容", default=dict)
    status = models.CharField("状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    version = models.PositiveIntegerField("版本", default=1)
    self_declared = models.BooleanField("自主申报", default=False)
    disclosure_ends_on = models.DateField("公开披露截止日", null=True, blank=True, help_text="为空表示长期披露")
    retention_ends_on = models.DateField(
        "保存截止日", null=True, blank=True, help_text="城市期限长于全国上限时，用于档案保存和授权查询"
    )
    basis = models.ForeignKey(
        DisclosureBasis,
        verbose_name="披露期限依据",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never looked up from the basis side
    )
    reported_on = models.DateField("报送日期")
    report_due_on = models.DateField("报送时限", null=True, blank=True)
    report_due_provisional = models.BooleanField("时限按暂定日历计算", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "item_code", "source_ref"],
                condition=~Q(source_ref="") & ~Q(status=RecordStatus.WITHDRAWN),
                name="record_provider_item_source_unique",
            ),
            models.CheckConstraint(condition=Q(status__in=RecordStatus.values), name="record_status_known"),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | (Q(kind="bad") & Q(tier__in=list(TIERS))),
                name="record_tier_only_for_bad",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("decided_on")),
                name="record_end_not_before_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "status"], name="record_subject_status"),
            # The expiry sweep: active records by their public end (archiving), and persons' kept
            # records by the end of their retention (purging). Partial, so a daily run walks only
            # what is still due and never the millions already archived.
            models.Index(
                fields=["disclosure_ends_on"],
                condition=Q(status=RecordStatus.ACTIVE),
                name="record_active_disclosure_end",
            ),
            models.Index(
                Coalesce("retention_ends_on", "disclosure_ends_on"),
                condition=Q(
                    subject_kind="person",
                    status__in=[RecordStatus.ACTIVE, RecordStatus.ARCHIVED],
                    disclosure_ends_on__isnull=False,
                ),
                name="record_person_retention_end",
            ),
            models.Index(fields=["provider", "created_at"], name="record_provider_created"),
            models.Index(fields=["item_code", "decided_on"], name="record_item_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.source_ref or self.pk}（第{self.version}版）"

    @property
    def disclosure_basis(self) -> dict[str, Any]:
        """The pack keys, values and articles that decided the period and deadline (for `explain`)."""
        return dict(self.basis.content)


class RecordVersion(models.Model):
    """One state of a record, written when it is created, corrected or withdrawn; never changed."""

    # Looked up through the unique (record, version) index; no second index on record alone.
    record = models.ForeignKey(
        Record, verbose_name="信用记录", on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    version = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=10, choices=RecordStatus.choices)
    data = models.JSONField("内容", default=dict)
    decided_on = models.DateField("决定日期")
    end_date = models.DateField("认定终止之日", null=True, blank=True)
    tier = models.CharField("失信等级", max_length=8, choices=list(TIERS.items()), null=True, blank=True)
    disclosure_ends_on = models.DateField("公开披露截止日", null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_by_label = models.CharField("操作人名称", max_length=150)
    reason = models.TextField("原因", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "信用记录版本"
        verbose_name_plural = "信用记录版本"
        ordering = ["record_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="record_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} 第{self.version}版"


class AnnotationKind(models.TextChoices):
    OBJECTION = "objection", "异议标注"
    REPAIR = "repair", "信用修复标注"
    STATEMENT = "statement", "主体声明"
    # The platform stops offering the record for query: its provider missed the objection
    # verification deadline (南通 第十四条; pack key objection.provider_overdue = stop_query).
    OVERDUE = "overdue", "逾期未核查暂停查询"
    NOTE = "note", "附注"


class Annotation(models.Model):
    """A note shown with a record (标注 / 附注声明), e.g. 元宝山 第二十九条、第三十条."""

    record = models.ForeignKey(Record, verbose_name="信用记录", on_delete=models.PROTECT, related_name="annotations")
    kind = models.CharField("类型", max_length=12, choices=AnnotationKind.choices)
    text = models.TextField("内容")
    article = models.CharField("依据", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="标注人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_label = models.CharField("标注人名称", max_length=150)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "标注"
        verbose_name_plural = "标注"
        ordering = ["record_id", "created_at"]
        indexes = [models.Index(fields=["record", "active"], name="annotation_record_active")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:20]}"
