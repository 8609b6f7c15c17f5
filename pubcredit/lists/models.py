"""Red, black and watch lists (红名单 / 严重失信主体名单 / 重点关注名单) and their entries.

A list type is configured by the credit centre (issuing department, legal basis, entry criteria,
term, exit rules); a provider department puts a subject on it with a decision document and the
records the decision rests on. An entry's term end is computed once and stored, so the sweep ends
entries by index (韶山 第十三条, 元宝山方案 五（五）: every list has an exit mechanism).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ListKind(models.TextChoices):
    RED = "red", "红名单（诚信典型）"
    BLACK = "black", "严重失信主体名单"
    WATCH = "watch", "重点关注名单"


class EntryState(models.TextChoices):
    IN_FORCE = "in_force", "有效"
    ENDED = "ended", "已移出"
    VOID = "void", "已撤销（错误列入）"


class ExitReason(models.TextChoices):
    TERM_END = "term_end", "期限届满"
    REPAIR = "repair", "信用修复"
    OBJECTION = "objection", "异议成立"
    WITHDRAWAL = "withdrawal", "认定部门撤销列入决定"
    WRONG_LISTING = "wrong_listing", "错误列入，恢复信誉"


class ListType(models.Model):
    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名单名称", max_length=100)
    kind = models.CharField("名单类别", max_length=8, choices=ListKind.choices)
    issuing_department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="认定部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_list_types",
        help_text="为空表示各行业主管部门均可认定（谁主管、谁提供、谁负责）",
    )
    legal_basis = models.TextField("认定依据")
    entry_criteria = models.TextField("列入标准")
    term_months = models.PositiveIntegerField("有效期（月）", null=True, blank=True, help_text="为空表示至移出为止")
    exit_rules = models.TextField("移出规则")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "名单类型"
        verbose_name_plural = "名单类型"
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ListKind.values), name="list_type_kind_known"),
        ]

    def __str__(self) -> str:
        return self.name


class ListEntry(models.Model):
    number = models.CharField("名单编号", max_length=20, unique=True, null=True, blank=True)
    list_type = models.ForeignKey(ListType, verbose_name="名单类型", on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("名单类别", max_length=8, choices=ListKind.choices, editable=False)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="list_entries"
    )
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name="认定部门", on_delete=models.PROTECT, related_name="list_entries"
    )
    decision_number = models.CharField("认定决定书文号", max_length=200)
    decision_file = models.CharField("认定决定书文件", max_length=300, blank=True)
    decision_file_name = models.CharField("认定决定书文件名", max_length=200, blank=True)
    reason = models.TextField("列入事由")
    repair_notice = models.TextField("信用修复告知书", blank=True, help_text="两书同达：随认定决定书一并送达")
    basis_records = models.ManyToManyField(
        "records.Record", verbose_name="依据的信用记录", blank=True, related_name="list_entries"
    )
    decided_on = models.DateField("认定日期")
    starts_on = models.DateField("列入日期")
    ends_on = models.DateField("有效期至", null=True, blank=True, help_text="为空表示至移出为止")
    state = models.CharField("状态", max_length=10, choices=EntryState.choices, default=EntryState.IN_FORCE)
    exit_reason = models.CharField("移出原因", max_length=16, choices=ExitReason.choices, blank=True)
    exited_on = models.DateField("移出日期", null=True, blank=True)
    exit_note = models.TextField("移出说明", blank=True)
    exit_reference = models.CharField("移出依据编号", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_label = models.CharField("录入人名称", max_length=150)
    created_at = models.DateTimeField("录入时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "名单条目"
        verbose_name_plural = "名单条目"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["subject", "state"], name="list_entry_subject_state"),
            # The term sweep reads only entries in force with an end (compare-and-swap on state).
            models.Index(
                fields=["ends_on"],
                name="list_entry_term_due",
                condition=models.Q(state="in_force", ends_on__isnull=False),
            ),
            models.Index(fields=["kind", "state", "-starts_on"], name="list_entry_public"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=EntryState.values), name="list_entry_state_known"),
            models.CheckConstraint(
                condition=models.Q(state="in_force", exit_reason="", exited_on__isnull=True)
                | (~models.Q(state="in_force") & ~models.Q(exit_reason="") & models.Q(exited_on__isnull=False)),
                name="list_entry_exit_recorded",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="list_entry_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.pk}"

    @property
    def in_force(self) -> bool:
        return self.state == EntryState.IN_FORCE
