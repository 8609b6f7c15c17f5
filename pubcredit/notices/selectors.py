"""Reads of messages: a user only ever sees its own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pubcredit.notices.models import Notice


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    if user is None or not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(recipient_id=user.pk)


def notices_unread_count(user: Any) -> int:
    return notices_visible_to(user).filter(read_at__isnull=True).count()
