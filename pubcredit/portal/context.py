"""Template context shared by every page: the platform's name and the policy pack in force."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"platform_name": "公共信用信息平台", "policy_pack_code": settings.PUBCREDIT_POLICY}
