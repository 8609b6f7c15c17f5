"""Credit evaluation (信用评价): stored scores with their explanation, the recompute queue and
watermark, and the 西安 farmer credit rating (农户信用等级评价) workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Score(models.Model):
    """A subject's score under one scorecard, with the version that made it and why.

    Written in bulk by `services.scores_recompute` (COPY on PostgreSQL, an upsert that leaves an
    unchanged row alone); `computed_on` is the day the score was computed for.
    """

    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (subject, scorecard) index starts with it
    )
    scorecard = models.CharField("评价模型", max_length=40)
    version = models.PositiveIntegerField("模型版本")
    points = models.IntegerField("得分")
    grade = models.CharField("等级", max_length=16)
    explanation = models.JSONField("得分说明", default=list, help_text="每行：指标、分值、理由")
    digest = models.BigIntegerField(
        "结果摘要", default=0, help_text="版本、得分、等级和说明的 64 位摘要，用于跳过未变化的结果"
    )
    computed_on = models.DateField("评价日期")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "信用评价结果"
        verbose_name_plural = "信用评价结果"
        constraints = [models.UniqueConstraint(fields=["subject", "scorecard"], name="evaluation_score_unique")]

    def __str__(self) -> str:
        return f"{self.scorecard} v{self.version} {self.subject_id}: {self.points} {self.grade}"


class ScoreDirty(models.Model):
    """A subject whose score must be computed again (its records or list entries changed)."""

    subject = models.OneToOneField(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    marked_at = models.DateTimeField("标记时间")

    class Meta:
        verbose_name = "待重新评价主体"
        verbose_name_plural = "待重新评价主体"

    def __str__(self) -> str:
        return f"{self.subject_id} {self.marked_at.isoformat()}"


class ScoreWatermark(models.Model):
    """Where the last recompute run started: rows changed after it (less an overlap) are new."""

    name = models.CharField("名称", max_length=20, primary_key=True)
    mark = models.DateTimeField("水位时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "评价水位"
        verbose_name_plural = "评价水位"

    def __str__(self) -> str:
        return f"{self.name} {self.mark.isoformat()}"


# --- 西安 farmer credit rating ------------------------------------------------------------------


class GroupLevel(models.TextChoices):
    VILLAGE = "village", "行政村农户信用信息采集和信用等级评价小组"
    TOWN = "town", "镇（街）农户信用等级评价小组"


class RatingGroup(models.Model):
    """A village or town rating group (西安市农户信用等级评价办法 三); members are platform users."""

    level = models.CharField("层级", max_length=8, choices=GroupLevel.choices)
    name = models.CharField("名称", max_length=100, unique=True)
    place = models.CharField("村（镇、街）名", max_length=100)
    town = models.ForeignKey(
        "self",
        verbose_name="所属镇（街）评价小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"level": "town"},
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="成员", blank=True, related_name="+")

    class Meta:
        verbose_name = "农户信用评价小组"
        verbose_name_plural = "农户信用评价小组"
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="village") & Q(town__isnull=False)) | (Q(level="town") & Q(town__isnull=True)),
                name="rating_group_village_has_town",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FarmerGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀信用户"
    GOOD = "good", "较好信用户"
    FAIR = "fair", "一般信用户"


class RatingState(models.TextChoices):
    PROPOSED = "proposed", "村组已初评"
    REVIEWED = "reviewed", "镇（街）已复审"
    PUBLICISED = "publicised", "村内公示中"
    OBJECTED = "objected", "公示期有异议"
    CONFIRMED = "confirmed", "已确定"
    WITHDRAWN = "withdrawn", "已撤回"


class FarmerRating(models.Model):
    number = models.CharField("评价编号", max_length=20, unique=True, null=True, blank=True)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="农户", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    village = models.ForeignKey(
        RatingGroup, verbose_name="村评价小组", on_delete=models.PROTECT, related_name="ratings"
    )
    proposed_grade = models.CharField("初评等级", max_length=10, choices=FarmerGrade.choices)
    proposal_note = models.TextField("初评意见")
    eligibility = models.JSONField("基本条件核实", default=dict, help_text="每项条件：是否满足")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="初评人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField("初评日期")
    reviewed_grade = models.CharField("复审等级", max_length=10, choices=FarmerGrade.choices, blank=True)
    review_note = models.TextField("复审意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复审人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_on = models.DateField("复审日期", null=True, blank=True)
    publicity_starts_on = models.DateField("公示开始日", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止日", null=True, blank=True)
    publicity_provisional = models.BooleanField("截止日按暂定日历计算", default=False)
    publicity_basis = models.CharField("公示期依据", max_length=200, blank=True)
    state = models.CharField("状态", max_length=12, choices=RatingState.choices, default=RatingState.PROPOSED)
    final_grade = models.CharField("评定等级", max_length=10, choices=FarmerGrade.choices, blank=True)
    confirmed_on = models.DateField("确定日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "农户信用等级评价"
        verbose_name_plural = "农户信用等级评价"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RatingState.values), name="farmer_rating_state_known"),
            # One rating in progress per farmer.
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(state__in=["proposed", "reviewed", "publicised", "objected"]),
                name="farmer_rating_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "state"], name="farmer_rating_village_state"),
            models.Index(fields=["subject", "state"], name="farmer_rating_subject_state"),
        ]

    def __str__(self) -> str:
        return f"农户信用等级评价 {self.number or self.pk}"


class RatingObjection(models.Model):
    """An objection raised in the village during the publicity period."""

    rating = models.ForeignKey(FarmerRating, verbose_name="评价", on_delete=models.PROTECT, related_name="objections")
    raised_by_name = models.CharField("异议人", max_length=50)
    statement = models.TextField("异议内容")
    received_on = models.DateField("收到日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    resolved = models.BooleanField("已处理", default=False)
    resolution = models.TextField("处理结果", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["rating_id", "id"]

    def __str__(self) -> str:
        return f"{self.rating} 异议 {self.pk}"
