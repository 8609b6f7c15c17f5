"""Template context shared by every page: the platform's name and the jurisdiction in force."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from pubcredit.policy import get_policy


def platform(request: HttpRequest) -> dict[str, Any]:
    policy = get_policy(on=timezone.localdate())
    return {
        "platform_name": "公共信用信息平台",
        "jurisdiction_name": policy.name,
        "policy_pack_code": settings.PUBCREDIT_POLICY,
    }
