"""A message to one user: what happened, and where in the platform to act on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="notices"
    )
    topic = models.CharField("类别", max_length=60, help_text="如 objection.forwarded，供筛选和统计")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    # A path inside the platform (never a query string with personal data).
    link = models.CharField("办理链接", max_length=300, blank=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]

    def __str__(self) -> str:
        return self.title
