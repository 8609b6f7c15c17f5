"""Exchange with upstream and downstream platforms (互联互通).

The platform publishes every change another platform may receive as a `ChangeEvent` whose id is
the feed cursor (西安 第六条、第十三条; 杭州 第五条; 元宝山方案 五（二）、五（四））. The events are
collected by polling the source tables past a watermark (`CollectWatermark`), so the apps that
write those tables need not know about the exchange. An `ExchangePartner` is the agreement with
another platform: which items flow, in which direction, for how long. What was received from a
partner keeps its provenance (`ReceivedRecord`, `ReceivedHold`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class PartnerDirection(models.TextChoices):
    OUTBOUND = "outbound", "本平台向其提供"
    INBOUND = "inbound", "本平台从其获取"


class PartnerState(models.TextChoices):
    ACTIVE = "active", "有效"
    SUSPENDED = "suspended", "暂停"
    ENDED = "ended", "已终止"


class ExchangePartner(models.Model):
    """The exchange agreement with another platform (省平台, 区县平台) for one direction."""

    code = models.SlugField("协议编码", max_length=40, unique=True)
    name = models.CharField("对方平台名称", max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="对方平台单位",
        on_delete=models.PROTECT,
        related_name="exchange_partners",
        help_text="提供方向：对方平台的 API 客户端所属单位；获取方向：接收记录的信息提供单位",
    )
    actor_client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name="代表对方平台的 API 客户端",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="获取方向：以该客户端（对方平台单位，归集范围）的名义写入接收的记录",
    )
    direction = models.CharField("方向", max_length=10, choices=PartnerDirection.choices)
    item_codes = models.JSONField("共享目录项编码", default=list, help_text="约定交换的目录项编码列表")
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("截止日期", null=True, blank=True, help_text="为空表示长期有效")
    state = models.CharField("状态", max_length=10, choices=PartnerState.choices, default=PartnerState.ACTIVE)
    base_url = models.URLField("对方平台地址", blank=True, help_text="获取方向：对方平台的根地址")
    public_key = models.TextField("对方平台交换公钥（PEM）", blank=True, help_text="获取方向：用于验证每页数据的签名")
    cursor = models.BigIntegerField("已应用游标", default=0, help_text="获取方向：最后一页已应用到的游标")
    legal_basis = models.CharField("依据", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "互联互通协议"
        verbose_name_plural = "互联互通协议"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(direction__in=PartnerDirection.values), name="exchange_direction_known"),
            models.CheckConstraint(condition=Q(state__in=PartnerState.values), name="exchange_state_known"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="exchange_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_direction_display()}）"


class ItemSharing(models.Model):
    """What this platform offers of one catalogue item (共享资源目录: 更新周期、共享范围)."""

    class Frequency(models.TextChoices):
        REALTIME = "realtime", "实时"
        DAILY = "daily", "每日"
        WEEKLY = "weekly", "每周"
        MONTHLY = "monthly", "每月"
        QUARTERLY = "quarterly", "每季度"
        YEARLY = "yearly", "每年"

    class Scope(models.TextChoices):
        UNCONDITIONAL = "unconditional", "无条件共享"
        CONDITIONAL = "conditional", "有条件共享"
        NONE = "none", "不予共享"

    item_code = models.CharField("目录项编码", max_length=20, unique=True)
    scope = models.CharField("共享类型", max_length=16, choices=Scope.choices, default=Scope.CONDITIONAL)
    frequency = models.CharField("更新周期", max_length=12, choices=Frequency.choices, default=Frequency.DAILY)
    conditions = models.TextField("共享条件与范围", blank=True, help_text="如：仅向上级平台、下级平台提供")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "目录项共享设置"
        verbose_name_plural = "目录项共享设置"
        ordering = ["item_code"]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_scope_display()}"


class ChangeKind(models.TextChoices):
    RECORD_VERSION = "record_version", "记录版本"
    HOLD_PLACED = "hold_placed", "标注添加"
    HOLD_LIFTED = "hold_lifted", "标注撤销"
    LIST_ENTRY = "list_entry", "名单列入"
    LIST_EXIT = "list_exit", "名单移出"
    PURGE = "purge", "记录删除"


class ChangeEvent(models.Model):
    """One change another platform may receive; the id is the feed cursor (strictly increasing).

    `subject_key` is the USCC of an organisation or the blind index of a person, never an ID
    number. The unique source key makes collecting idempotent.
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField("类型", max_length=16, choices=ChangeKind.choices)
    subject_kind = models.CharField("主体类型", max_length=10)
    subject_key = models.CharField("主体标识", max_length=64)
    item_code = models.CharField("目录项编码", max_length=48, help_text="名单事件为 list:<名单类型编码>")
    source_table = models.CharField("来源表", max_length=40)
    source_id = models.BigIntegerField("来源编号")
    source_version = models.PositiveIntegerField("来源版本")
    record_ref = models.BigIntegerField("信用记录编号", null=True, blank=True, help_text="记录、标注和删除事件所涉记录")
    provider_ref = models.BigIntegerField(
        "信息提供单位编号", null=True, blank=True, help_text="不回传：不向记录的提供单位（来源平台）提供其自身的记录"
    )
    payload = models.JSONField("内容", default=dict)
    created_at = models.DateTimeField("收集时间", auto_now_add=True)

    class Meta:
        verbose_name = "变更事件"
        verbose_name_plural = "变更事件"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_table", "source_id", "source_version"], name="change_event_source_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["item_code", "id"], name="change_event_item"),
            models.Index(fields=["record_ref"], name="change_event_record"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.get_kind_display()} {self.item_code}"


class CollectWatermark(models.Model):
    """How far `exchange_collect` has read one source table (by id, or by update time)."""

    source = models.CharField("来源表", max_length=40, unique=True)
    last_id = models.BigIntegerField("最后编号", default=0)
    last_changed_at = models.DateTimeField("最后更新时间", null=True, blank=True)
    gap_since = models.DateTimeField("编号空缺发现时间", null=True, blank=True)

    class Meta:
        verbose_name = "收集水位"
        verbose_name_plural = "收集水位"

    def __str__(self) -> str:
        return f"{self.source} {self.last_id}"


class ReceivedRecord(models.Model):
    """A record received from a partner: which platform, which original id, which local record."""

    partner = models.ForeignKey(ExchangePartner, verbose_name="来源平台", on_delete=models.PROTECT, related_name="+")
    origin_id = models.BigIntegerField("来源平台记录编号")
    origin_provider = models.CharField("来源平台信息提供单位", max_length=200, blank=True)
    record = models.ForeignKey(
        "records.Record", verbose_name="本平台记录", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    origin_version = models.PositiveIntegerField("已应用的来源版本")
    origin_cursor = models.BigIntegerField("来源游标")
    purged = models.BooleanField("来源平台已删除", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "接收记录来源"
        verbose_name_plural = "接收记录来源"
        constraints = [
            models.UniqueConstraint(fields=["partner", "origin_id"], name="received_record_origin_unique"),
            models.UniqueConstraint(fields=["record"], name="received_record_local_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.origin_id} → {self.record_id}"


class ReceivedHold(models.Model):
    """An annotation received from a partner and the local annotation that carries it."""

    partner = models.ForeignKey(ExchangePartner, verbose_name="来源平台", on_delete=models.PROTECT, related_name="+")
    origin_id = models.BigIntegerField("来源平台标注编号")
    annotation = models.ForeignKey(
        "records.Annotation", verbose_name="本平台标注", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    lifted = models.BooleanField("已撤销", default=False)

    class Meta:
        verbose_name = "接收标注来源"
        verbose_name_plural = "接收标注来源"
        constraints = [
            models.UniqueConstraint(fields=["partner", "origin_id"], name="received_hold_origin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.origin_id} → {self.annotation_id}"
