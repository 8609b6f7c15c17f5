"""Joint rewards and sanctions: the measure list (措施清单), the tasks an entry gives implementing
departments (发起—响应—反馈, 元宝山方案 五（一）), and credit checks (信用核查) departments run inside
their own procedures, with their feedback.

Feedback due dates are computed once from `measures.feedback_wd` and stored, so overdue tasks are
found by index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class BusinessType(models.TextChoices):
    PROCUREMENT = "procurement", "政府采购"
    LICENSING = "licensing", "行政许可"
    FUNDING = "funding", "财政资金"
    HONOURS = "honours", "评优评先"
    TENDERING = "tendering", "招标投标"
    SUPERVISION = "supervision", "日常监管"


class MeasureNature(models.TextChoices):
    REWARD = "reward", "守信激励"
    SANCTION = "sanction", "失信惩戒"


class MeasureForce(models.TextChoices):
    MANDATORY = "mandatory", "强制性"
    RECOMMENDED = "recommended", "推荐性"


class MeasureCondition(models.TextChoices):
    LISTED = "listed", "列入所适用的名单"
    GOOD_CREDIT = "good_credit", "信用状况良好（诚信典型或连续无不良信用记录）"
    BAD_CREDIT = "bad_credit", "信用状况不良（有在披露期内的不良信息）"


class Measure(models.Model):
    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("措施名称", max_length=200)
    nature = models.CharField("类别", max_length=10, choices=MeasureNature.choices)
    force = models.CharField("性质", max_length=12, choices=MeasureForce.choices)
    condition = models.CharField("适用条件", max_length=12, choices=MeasureCondition.choices)
    list_types = models.ManyToManyField("lists.ListType", verbose_name="适用名单", blank=True, related_name="measures")
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="实施部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        help_text="为空表示各有关部门在其业务中实施（核查时提示，不派发任务）",
    )
    business_types = models.JSONField("适用业务", default=list, blank=True, help_text="为空表示适用于各类业务")
    legal_basis = models.CharField("依据", max_length=300)
    active = models.BooleanField("启用", default=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "联合奖惩措施"
        verbose_name_plural = "联合奖惩措施"
        ordering = ["nature", "force", "position", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(nature__in=MeasureNature.values), name="measure_nature_known"),
            models.CheckConstraint(condition=models.Q(force__in=MeasureForce.values), name="measure_force_known"),
            models.CheckConstraint(
                condition=models.Q(condition__in=MeasureCondition.values), name="measure_condition_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaskState(models.TextChoices):
    OPEN = "open", "待反馈"
    APPLIED = "applied", "已实施"
    NOT_APPLICABLE = "not_applicable", "不适用"
    CANCELLED = "cancelled", "已终止（主体已移出名单）"


class MeasureTask(models.Model):
    """One implementing department's task for one list entry and one measure."""

    entry = models.ForeignKey(
        "lists.ListEntry", verbose_name="名单条目", on_delete=models.PROTECT, related_name="tasks"
    )
    measure = models.ForeignKey(Measure, verbose_name="措施", on_delete=models.PROTECT, related_name="tasks")
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name="实施部门", on_delete=models.PROTECT, related_name="measure_tasks"
    )
    state = models.CharField("状态", max_length=16, choices=TaskState.choices, default=TaskState.OPEN)
    created_at = models.DateTimeField("派发时间", default=timezone.now)
    due_on = models.DateField("反馈时限")
    due_article = models.CharField("时限依据", max_length=100, blank=True)
    overdue = models.BooleanField("已逾期", default=False)
    applied_on = models.DateField("实施日期", null=True, blank=True)
    feedback = models.TextField("反馈说明", blank=True)
    fed_back_at = models.DateTimeField("反馈时间", null=True, blank=True)
    fed_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="反馈人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fed_back_by_label = models.CharField("反馈人名称", max_length=150, blank=True)
    restoration_sent_at = models.DateTimeField("恢复信誉通知时间", null=True, blank=True)

    class Meta:
        verbose_name = "措施任务"
        verbose_name_plural = "措施任务"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "measure", "department"], name="measure_task_once"),
            models.CheckConstraint(condition=models.Q(state__in=TaskState.values), name="measure_task_state_known"),
        ]
        indexes = [
            models.Index(fields=["department", "state", "due_on"], name="measure_task_queue"),
            # The overdue sweep reads only open tasks not yet flagged.
            models.Index(fields=["due_on"], name="measure_task_due", condition=models.Q(state="open", overdue=False)),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.department}"


class CheckOutcome(models.TextChoices):
    PENDING = "pending", "待反馈"
    APPLIED = "applied", "已按核查结果实施措施"
    NOT_APPLIED = "not_applied", "未实施（说明理由）"


class CreditCheck(models.Model):
    """A credit check (信用核查) run by a department inside its own procedure, and its feedback."""

    number = models.CharField("核查编号", max_length=24, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="核查单位", on_delete=models.PROTECT, related_name="credit_checks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    api_client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name="API 客户端",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("核查人名称", max_length=150)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="credit_checks"
    )
    business_type = models.CharField("业务类型", max_length=16, choices=BusinessType.choices)
    business_reference = models.CharField("业务编号", max_length=100, blank=True)
    checked_on = models.DateField("核查日期")
    created_at = models.DateTimeField("核查时间", default=timezone.now)
    result = models.JSONField("核查结果", default=dict)
    entry_ids = models.JSONField("涉及的名单条目", default=list)
    outcome = models.CharField("反馈", max_length=12, choices=CheckOutcome.choices, default=CheckOutcome.PENDING)
    applied_measures = models.JSONField("已实施的措施", default=list, blank=True)
    feedback = models.TextField("反馈说明", blank=True)
    fed_back_at = models.DateTimeField("反馈时间", null=True, blank=True)
    restoration_sent_at = models.DateTimeField("恢复信誉通知时间", null=True, blank=True)

    class Meta:
        verbose_name = "信用核查"
        verbose_name_plural = "信用核查"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="credit_check_org"),
            models.Index(fields=["subject", "-created_at"], name="credit_check_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=CheckOutcome.values), name="credit_check_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"信用核查 {self.number}"
