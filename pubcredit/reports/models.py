"""Credit reports (信用报告): the archive of every generated PDF, by number.

A report's bytes are stored by their SM3 digest in the private storage (南通 第二十条: reports
are archived); the row says whose report it is, which version (public, full, 信用代证), for whom
it was made (the viewer kind of the disclosure decision), the time span and fields asked for,
and which newer report of the same kind superseded it. Rows are never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReportKind(models.TextChoices):
    PUBLIC = "public", "公开版"
    FULL = "full", "完整版"
    SPECIAL = "special", "信用代证专用版"


class Report(models.Model):
    number = models.CharField("报告编号", max_length=32, unique=True)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="credit_reports"
    )
    kind = models.CharField("报告版本", max_length=10, choices=ReportKind.choices)
    viewer_kind = models.CharField("查询身份", max_length=12, help_text="披露判断采用的查询者类别")
    authorisation = models.ForeignKey(
        "disclosure.Authorisation",
        verbose_name="查询授权",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="查询单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    span_from = models.DateField("时间范围起")
    span_to = models.DateField("时间范围止")
    fields = models.JSONField("代证事项", default=list, blank=True)
    sha = models.CharField("SM3 摘要", max_length=64, db_index=True)
    size = models.PositiveIntegerField("字节数", default=0)
    path = models.CharField("存储位置", max_length=300)
    pages = models.PositiveIntegerField("页数", default=0)
    pack = models.CharField("政策包", max_length=20)
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
    superseded_by = models.ForeignKey(
        "self", verbose_name="被替代于", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "信用报告"
        verbose_name_plural = "信用报告"
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="report_kind_known"),
            models.CheckConstraint(condition=Q(span_from__lte=models.F("span_to")), name="report_span_ordered"),
        ]
        indexes = [
            # The newest report of a kind supersedes the older ones still current.
            models.Index(
                fields=["subject", "kind", "viewer_kind"],
                condition=Q(superseded_by__isnull=True),
                name="report_current",
            ),
            models.Index(fields=["subject", "-generated_at"], name="report_subject_newest"),
        ]

    def __str__(self) -> str:
        return f"信用报告 {self.number}"
