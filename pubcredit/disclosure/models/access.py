"""Who may see non-public information besides the subject: authorisations and sharing agreements.

An authorisation is the subject's consent for one requester to see some items for one purpose
during a stretch of days (西安 第十九条, 元宝山 第十八条, 南通 第十一条, 大连 第十二条). It is granted in
the subject's account, or by a signed written authorisation the requester uploads and the credit
centre checks. A sharing agreement lets a consumer department receive agreed items for its duties
(西安 第十七条、第二十条, 元宝山 第十九条). Neither is ever deleted: revoking, refusing and ending
keep the row, so the query log can always name the basis of a look.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class AuthorisationMethod(models.TextChoices):
    ACCOUNT = "account", "主体账号内授权"
    WRITTEN = "written", "书面授权（申请方上传）"


class AuthorisationState(models.TextChoices):
    PENDING = "pending", "待核验"
    ACTIVE = "active", "有效"
    REFUSED = "refused", "核验未通过"
    REVOKED = "revoked", "已撤销"


class Authorisation(models.Model):
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="authorisations"
    )
    requester_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="被授权单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authorisations_received",
    )
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="被授权人（账号）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authorisations_received",
    )
    requester_label = models.CharField("被授权方", max_length=200)
    item_codes = models.JSONField("授权事项", default=list)
    purpose = models.CharField("查询用途", max_length=200)
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("截止日期（含当日）")
    method = models.CharField("授权方式", max_length=10, choices=AuthorisationMethod.choices)
    state = models.CharField("状态", max_length=10, choices=AuthorisationState.choices)
    document_sm3 = models.CharField("书面授权文件 SM3", max_length=64, blank=True)
    document_path = models.CharField("书面授权文件存储位置", max_length=200, blank=True, editable=False)
    document_name = models.CharField("书面授权文件名", max_length=255, blank=True)
    document_size = models.PositiveIntegerField("书面授权文件大小", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_label = models.CharField("登记人名称", max_length=150)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核验人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField("核验时间", null=True, blank=True)
    check_reason = models.TextField("核验意见", blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by_label = models.CharField("撤销人", max_length=150, blank=True)

    class Meta:
        verbose_name = "查询授权"
        verbose_name_plural = "查询授权"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=AuthorisationState.values), name="authorisation_state_known"),
            models.CheckConstraint(
                condition=Q(method__in=AuthorisationMethod.values), name="authorisation_method_known"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="authorisation_until_not_before_from"
            ),
            models.CheckConstraint(
                condition=Q(requester_organisation__isnull=False) | Q(requester_user__isnull=False),
                name="authorisation_has_requester",
            ),
            models.CheckConstraint(
                condition=~Q(method=AuthorisationMethod.WRITTEN) | ~Q(document_sm3=""),
                name="authorisation_written_has_document",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "state"], name="authorisation_subject_state"),
            models.Index(fields=["requester_organisation", "state"], name="authorisation_requester_state"),
            models.Index(fields=["state", "created_at"], name="authorisation_state_created"),
        ]

    def __str__(self) -> str:
        return f"授权 {self.pk}：{self.requester_label}（{self.get_state_display()}）"


class SharingAgreementState(models.TextChoices):
    DRAFT = "draft", "待批准"
    APPROVED = "approved", "已批准"
    ENDED = "ended", "已终止"


class SharingAgreement(models.Model):
    consumer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="信息使用单位",
        on_delete=models.PROTECT,
        related_name="sharing_agreements",
    )
    item_codes = models.JSONField("共享事项", default=list)
    purpose = models.CharField("共享用途", max_length=200)
    legal_basis = models.TextField("法律依据")
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("截止日期（含当日）")
    state = models.CharField(
        "状态", max_length=10, choices=SharingAgreementState.choices, default=SharingAgreementState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_label = models.CharField("登记人名称", max_length=150)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by_label = models.CharField("批准人名称", max_length=150, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    ended_at = models.DateTimeField("终止时间", null=True, blank=True)
    ended_by_label = models.CharField("终止人", max_length=150, blank=True)
    end_reason = models.TextField("终止原因", blank=True)

    class Meta:
        verbose_name = "政务共享协议"
        verbose_name_plural = "政务共享协议"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SharingAgreementState.values), name="sharing_agreement_state_known"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="sharing_agreement_until_not_before_from"
            ),
        ]
        indexes = [models.Index(fields=["consumer", "state"], name="sharing_agreement_consumer")]

    def __str__(self) -> str:
        return f"共享协议 {self.pk}：{self.consumer}（{self.get_state_display()}）"
