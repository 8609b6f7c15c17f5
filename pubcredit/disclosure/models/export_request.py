"""Exports of credit records for credit-centre staff, behind a second person's approval.

Staff have set query permissions and procedures (西安 第三十八条, 元宝山 第二十七条): an operator who
needs the records of natural persons for a provider or a catalogue item over a stretch of
decision dates asks for an export with a stated reason; a different operator, or an authority
user, approves or refuses it, never the requester. The file is generated only on approval, is
downloadable by the requester alone for `services.exports.DOWNLOAD_WINDOW` and at most
`services.exports.MAX_DOWNLOADS` times, and then expires (the file is deleted, the row stays).
Exports of organisations' records hold no personal data and need no approval.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pubcredit.disclosure.staff_reasons import REASON_KINDS


class ExportState(models.TextChoices):
    REQUESTED = "requested", "待审批"
    APPROVED = "approved", "已批准，可下载"
    REFUSED = "refused", "已拒绝"
    DOWNLOADED = "downloaded", "已下载"
    EXPIRED = "expired", "已失效"


class ExportSubjectKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORG = "org", "法人和非法人组织"


class ExportRequest(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_by_label = models.CharField("申请人名称", max_length=150)
    created_at = models.DateTimeField("申请时间")
    subject_kind = models.CharField("主体类型", max_length=10, choices=ExportSubjectKind.choices)
    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="信息提供单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_code = models.CharField("目录项编码", max_length=20, blank=True)
    decided_from = models.DateField("决定日期自")
    decided_to = models.DateField("决定日期至（含）")
    full_id_numbers = models.BooleanField("申请导出完整身份证号码", default=False)
    reason_kind = models.CharField("事由类别", max_length=12, choices=list(REASON_KINDS.items()))
    reason = models.CharField("导出事由", max_length=300)
    needs_approval = models.BooleanField("需审批", default=True)
    state = models.CharField("状态", max_length=10, choices=ExportState.choices, default=ExportState.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by_label = models.CharField("审批人名称", max_length=150, blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    full_id_numbers_approved = models.BooleanField("批准导出完整身份证号码", default=False)
    row_count = models.PositiveIntegerField("记录条数", null=True, blank=True)
    subject_count = models.PositiveIntegerField("主体数", null=True, blank=True)
    file_path = models.CharField("文件存储位置", max_length=200, blank=True, editable=False)
    file_sm3 = models.CharField("文件 SM3", max_length=64, blank=True, editable=False)
    expires_at = models.DateTimeField("下载截止时间", null=True, blank=True)
    downloads = models.PositiveSmallIntegerField("已下载次数", default=0)
    last_downloaded_at = models.DateTimeField("最近下载时间", null=True, blank=True)
    expired_at = models.DateTimeField("失效时间", null=True, blank=True)

    class Meta:
        verbose_name = "记录导出申请"
        verbose_name_plural = "记录导出申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ExportState.values), name="export_state_known"),
            models.CheckConstraint(condition=Q(subject_kind__in=ExportSubjectKind.values), name="export_kind_known"),
            models.CheckConstraint(condition=Q(decided_to__gte=F("decided_from")), name="export_range_ordered"),
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | ~Q(item_code=""), name="export_scope_provider_or_item"
            ),
            # 西安 第三十八条: the approver is never the requester.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="export_approver_not_requester",
            ),
            models.CheckConstraint(
                condition=Q(full_id_numbers_approved=False) | Q(full_id_numbers=True),
                name="export_full_ids_only_if_asked",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="export_requester_created"),
            models.Index(
                fields=["expires_at"],
                condition=Q(state__in=["approved", "downloaded"]),
                name="export_live_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"导出申请 {self.pk}"

    @property
    def scope_label(self) -> str:
        parts = [self.get_subject_kind_display()]
        if self.provider is not None:
            parts.append(f"提供单位：{self.provider.name}")
        if self.item_code:
            parts.append(f"目录项：{self.item_code}")
        parts.append(f"决定日期 {self.decided_from:%Y-%m-%d} 至 {self.decided_to:%Y-%m-%d}")
        return "；".join(parts)
