"""Summary tables for the dashboard and the provider assessment, and early warnings (西安 第六条).

Page views never aggregate the source tables: `rollup` rebuilds the tallies (one row per metric,
month, organisation and dimension) from the records, batches, objections, repairs, list entries,
measure tasks and the query log, and the dashboard sums those rows. A warning is raised once per
condition (a partial unique key while open) and cleared by the sweep when the condition is gone.
Every statistical report file handed out is registered in the archive (`StatisticalReport`,
南通 第二十条).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Tally(models.Model):
    """A count of one metric for one month, one organisation (provider or department) and one dimension."""

    metric = models.CharField("指标", max_length=40)
    month = models.DateField("月份", help_text="该月第一天")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    dimension = models.CharField("分类", max_length=40, blank=True, help_text="信息类别、渠道、结果等")
    value = models.BigIntegerField("数值")

    class Meta:
        verbose_name = "统计汇总"
        verbose_name_plural = "统计汇总"
        indexes = [
            models.Index(fields=["metric", "month"], name="tally_metric_month"),
            models.Index(fields=["organisation", "metric", "month"], name="tally_org_metric_month"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.month:%Y-%m} {self.dimension} = {self.value}"


class RollupRun(models.Model):
    """One rebuild of the tallies: the dashboard says how fresh its figures are."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间")
    seconds = models.FloatField("用时（秒）")
    rows = models.PositiveIntegerField("汇总行数")

    class Meta:
        verbose_name = "统计汇总运行"
        verbose_name_plural = "统计汇总运行"
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {self.rows} 行"


class WarningKind(models.TextChoices):
    BAD_RISE = "bad_rise", "失信信息快速增加"
    PROVIDER_SILENT = "provider_silent", "提供单位逾期未报送"
    LOOP_DEADLINE = "loop_deadline", "办理临近或超过时限"
    VOLUME_DROP = "volume_drop", "报送量骤降"


class WarningLevel(models.TextChoices):
    NOTICE = "notice", "提示"
    ALERT = "alert", "警告"


class WarningState(models.TextChoices):
    OPEN = "open", "未处理"
    HANDLED = "handled", "已处理"
    CLEARED = "cleared", "已消除"


class EarlyWarning(models.Model):
    """One early warning: what it is about, who must act, and how it ended."""

    kind = models.CharField("预警类型", max_length=20, choices=WarningKind.choices)
    level = models.CharField("级别", max_length=8, choices=WarningLevel.choices, default=WarningLevel.NOTICE)
    key = models.CharField("预警对象", max_length=200, help_text="类型与对象的组合；同一对象未处理时不重复预警")
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("标题", max_length=200)
    detail = models.TextField("说明")
    article = models.CharField("预警口径依据", max_length=200, blank=True)
    link = models.CharField("办理链接", max_length=300, blank=True)
    state = models.CharField("状态", max_length=8, choices=WarningState.choices, default=WarningState.OPEN)
    raised_at = models.DateTimeField("预警时间", default=timezone.now)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_note = models.TextField("处理说明", blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(state="open"), name="early_warning_open_once"),
            models.CheckConstraint(
                condition=(Q(state="open") & Q(closed_at__isnull=True))
                | (~Q(state="open") & Q(closed_at__isnull=False)),
                name="early_warning_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind", "-raised_at"], name="early_warning_state_kind"),
            models.Index(fields=["organisation", "state"], name="early_warning_org_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class StatisticalReportKind(models.TextChoices):
    ASSESSMENT = "assessment", "信息提供单位考核情况"


class StatisticalReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class StatisticalReport(models.Model):
    """One archived statistical report file (南通 第二十条: statistical analysis reports are kept
    under an archive registration system).

    The bytes are stored by their SM3 digest in the private storage; the row says what the file
    holds (kind, period, district, format), which rebuild of the tallies its figures come from,
    who made it and when, and which newer file of the same report replaced it. The same report
    from the same rollup is archived once; rows are never deleted.
    """

    number = models.CharField("登记编号", max_length=32, unique=True)
    kind = models.CharField("报告类型", max_length=20, choices=StatisticalReportKind.choices)
    period = models.CharField("统计期间", max_length=10, help_text="如 2026、2026-Q3、2026-09")
    period_label = models.CharField("统计期间名称", max_length=20)
    district = models.CharField("区县", max_length=100, blank=True, help_text="空为全部区县")
    file_format = models.CharField("文件格式", max_length=8, choices=StatisticalReportFormat.choices)
    rollup = models.ForeignKey(
        RollupRun,
        verbose_name="统计汇总运行",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空表示生成时尚未进行统计汇总",
    )
    providers = models.PositiveIntegerField("单位数", default=0)
    sha = models.CharField("SM3 摘要", max_length=64, db_index=True)
    size = models.PositiveIntegerField("字节数")
    path = models.CharField("存储位置", max_length=300)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    generated_by_label = models.CharField("生成人名称", max_length=150)
    supersedes = models.ForeignKey(
        "self", verbose_name="替代", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self", verbose_name="被替代于", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "统计报告存档"
        verbose_name_plural = "统计报告存档"
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=StatisticalReportKind.values), name="statistical_report_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(file_format__in=StatisticalReportFormat.values), name="statistical_report_format_known"
            ),
            # One file per report and rollup, even when two people ask at the same moment.
            models.UniqueConstraint(
                fields=["kind", "period", "district", "file_format", "rollup"],
                condition=Q(rollup__isnull=False),
                name="statistical_report_once_per_rollup",
            ),
            models.UniqueConstraint(
                fields=["kind", "period", "district", "file_format"],
                condition=Q(rollup__isnull=True),
                name="statistical_report_once_before_rollup",
            ),
        ]
        indexes = [
            models.Index(fields=["-generated_at", "-id"], name="statistical_report_newest"),
            models.Index(fields=["period", "-generated_at"], name="statistical_report_period"),
        ]

    def __str__(self) -> str:
        return f"统计报告 {self.number}"
