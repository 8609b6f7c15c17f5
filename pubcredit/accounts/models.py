"""Accounts: users of every role, the organisations they act for, and API clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pubcredit.core.roles import Role
from pubcredit.subjects.identifiers import validate_uscc


def validate_organisation_uscc(value: str) -> None:
    result = validate_uscc(value)
    if not result.valid:
        raise ValidationError(result.reason or "统一社会信用代码无效")


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", "政府部门"
    CREDIT_CENTRE = "credit_centre", "信用中心"
    AUTHORITY = "authority", "主管部门"
    COURT = "court", "法院"
    UTILITY = "utility", "公用事业单位"
    FINANCIAL = "financial", "金融机构"
    INDUSTRY = "industry", "行业组织"
    OTHER = "other", "其他"


class ReportingFrequency(models.TextChoices):
    REALTIME = "realtime", "实时"
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"


class Organisation(models.Model):
    """A department or body whose staff use the platform (providers, consumers, the centre)."""

    name = models.CharField("名称", max_length=200, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_organisation_uscc],
    )
    kind = models.CharField(
        "类型", max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.DEPARTMENT
    )
    is_provider = models.BooleanField("信息提供单位", default=False)
    is_consumer = models.BooleanField("信息使用单位", default=False)
    district = models.CharField("所属区县", max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    reporting_frequency = models.CharField(
        "报送频率", max_length=20, choices=ReportingFrequency.choices, blank=True, help_text="催报的参考频率"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person who signs in: staff of a department or the credit centre, or a subject's account."""

    display_name = models.CharField("姓名", max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="工作人员所属的单位",
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        help_text="以信用主体身份登录时对应的主体",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def roles(self) -> frozenset[Role]:
        """Active granted roles plus `public`, cached on the instance for one request."""
        cached: frozenset[Role] | None = self.__dict__.get("_roles_cache")
        if cached is None:
            granted = self.role_grants.filter(revoked_at__isnull=True).values_list("role", flat=True)
            cached = frozenset({Role.PUBLIC, *(Role(role) for role in granted)})
            self.__dict__["_roles_cache"] = cached
        return cached

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def forget_roles(self) -> None:
        self.__dict__.pop("_roles_cache", None)


class RoleGrant(models.Model):
    """One role held by one user, optionally for one organisation; revoked, never deleted."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants"
    )
    granted_by = models.ForeignKey(
        User, verbose_name="授予人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("授予时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(condition=~Q(role=Role.PUBLIC), name="rolegrant_not_public"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(revoked_at__isnull=True, organisation__isnull=True),
                name="rolegrant_one_active_without_org",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(revoked_at__isnull=True, organisation__isnull=False),
                name="rolegrant_one_active_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiScope(models.TextChoices):
    COLLECT = "collect", "归集"
    QUERY = "query", "查询"
    SHARE = "share", "共享"
    EXCHANGE = "exchange", "交换"
    CHECK = "check", "核查"


class ApiClient(models.Model):
    """A system of an organisation calling the API with a bearer token.

    Only a keyed hash of the token is stored; the plaintext is shown once when it is created.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="api_clients"
    )
    name = models.CharField("名称", max_length=100)
    token_prefix = models.CharField("令牌前缀", max_length=8, db_index=True, editable=False)
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    scopes = models.JSONField("授权范围", default=list)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 客户端"
        verbose_name_plural = "API 客户端"
        ordering = ["organisation_id", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.token_prefix}…）"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.organisation.active

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class LoginThrottle(models.Model):
    """Consecutive failed sign-ins for one username, whether or not such an account exists.

    Keyed by the username typed, not by a user, so that the lock-out answers alike for names
    that exist and names that do not.
    """

    username_key = models.CharField("用户名", max_length=150, unique=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    last_failure_at = models.DateTimeField("最近失败时间", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = "登录失败计数"

    def __str__(self) -> str:
        return self.username_key


class TotpDevice(models.Model):
    """A staff member's authenticator (RFC 6238); the secret is SM4-encrypted at rest.

    `last_step` is the last 30-second step whose code was accepted, so a code is never accepted
    twice. `grace_started_at` marks the first sign-in that asked for enrolment.
    """

    user = models.OneToOneField(User, verbose_name="用户", on_delete=models.CASCADE, related_name="totp_device")
    secret = models.BinaryField("密钥（密文）", null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField("绑定时间", null=True, blank=True)
    last_step = models.BigIntegerField("最近使用的时间步", default=0, editable=False)
    grace_started_at = models.DateTimeField("宽限期起始时间", null=True, blank=True)

    class Meta:
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"

    def __str__(self) -> str:
        return f"{self.user} · 动态口令"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None and self.secret is not None
