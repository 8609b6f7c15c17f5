from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from pubcredit.core.tests.auditing import audit_log_erasable_after_transactional_tests

__all__ = ["audit_log_erasable_after_transactional_tests"]


@pytest.fixture
def calendar_operator(db: None) -> Any:
    user = get_user_model().objects.create_user(username="calendar-op", password="x" * 12)
    user.user_permissions.add(Permission.objects.get(codename="change_calendaryear", content_type__app_label="core"))
    return get_user_model().objects.get(pk=user.pk)  # fresh instance: permission cache empty


@pytest.fixture
def plain_user(db: None) -> Any:
    return get_user_model().objects.create_user(username="plain-user", password="x" * 12)
