"""The roles a platform user may hold (ARCHITECTURE.md, "Users and what they do").

Kept in core so that every domain can check a role without importing accounts.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PUBLIC = "public", "公众"
    SUBJECT = "subject", "信用主体"
    PROVIDER = "provider", "信息提供单位"
    CONSUMER = "consumer", "信息使用单位"
    OPERATOR = "operator", "信用中心"
    AUTHORITY = "authority", "主管部门"
    AUDITOR = "auditor", "审计监督"
