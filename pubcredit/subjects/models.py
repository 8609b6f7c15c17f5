"""Subjects: the organisations and natural persons that credit information is about.

A person's ID number is never stored in plaintext: SM4 ciphertext for the rare legitimate
read-back, an SM3-HMAC blind index for look-ups, and a masked form for display. The birth date
is not stored either; it is read from the ID number when a rule needs it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from pubcredit.core.crypto import mask_person_name


class SubjectKind(models.TextChoices):
    ORG = "org", "法人和非法人组织"
    PERSON = "person", "自然人"


class Subject(models.Model):
    kind = models.CharField("主体类型", max_length=10, choices=SubjectKind.choices)
    name = models.CharField("名称/姓名", max_length=200)
    name_normalized = models.CharField("规范化名称", max_length=200, db_index=True, editable=False)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    uscc_legacy = models.BooleanField(
        "历史代码", default=False, help_text="校验位不符合 GB 32100 的历史代码，经提供单位标注后接收"
    )
    id_number_cipher = models.BinaryField("身份证号码密文", null=True, blank=True, editable=False)
    id_number_index = models.CharField(
        "身份证号码索引", max_length=64, unique=True, null=True, blank=True, editable=False
    )
    id_number_masked = models.CharField("身份证号码（脱敏）", max_length=18, blank=True, editable=False)
    district = models.CharField("所属区县", max_length=100, null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用主体"
        verbose_name_plural = "信用主体"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SubjectKind.values), name="subject_kind_known"),
            models.CheckConstraint(
                condition=~Q(kind=SubjectKind.ORG) | Q(uscc__isnull=False, id_number_index__isnull=True),
                name="subject_org_has_uscc",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SubjectKind.PERSON)
                | Q(id_number_index__isnull=False, id_number_cipher__isnull=False),
                name="subject_person_has_id_index",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.display_identifier}）"

    @property
    def is_person(self) -> bool:
        return self.kind == SubjectKind.PERSON

    @property
    def public_name(self) -> str:
        """The name public pages and answers show: a natural person's masked to the surname."""
        return mask_person_name(self.name) if self.kind == SubjectKind.PERSON else self.name

    @property
    def display_identifier(self) -> str:
        """What may be shown next to the name: the USCC, or the masked ID number."""
        if self.kind == SubjectKind.ORG:
            return self.uscc or ""
        return self.id_number_masked
