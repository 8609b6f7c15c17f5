"""Password storage and strength: argon2 in production, Django's validators in Chinese."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError

from pubcredit.accounts.models import User
from pubcredit.accounts.services import user_create
from pubcredit.accounts.tests.factories import OperatorFactory
from pubcredit.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_production_settings_hash_with_argon2_first() -> None:
    production = importlib.import_module("config.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_and_checks_a_password(settings: Any) -> None:
    settings.PASSWORD_HASHERS = importlib.import_module("config.settings").PASSWORD_HASHERS  # tests use MD5
    encoded = make_password("一个足够长的口令-2026")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("一个足够长的口令-2026", encoded)
    assert not check_password("另一个口令-2026-xx", encoded)


def _messages(password: str, user: User | None = None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def test_passwords_need_twelve_characters_and_are_refused_in_chinese() -> None:
    assert any("至少需要 12 个字符" in message for message in _messages("k7#pQ2!xZ9a"))
    assert _messages("k7#pQ2!xZ9aW") == []
    assert any("太常见" in message for message in _messages("password1234"))
    assert any("只包含数字" in message for message in _messages("820361947265"))


def test_a_password_like_the_username_is_refused() -> None:
    user = User(username="wangqiang.ops", email="wangqiang.ops@example.cn")
    assert any("相似" in message for message in _messages("wangqiang.ops1", user))


def test_user_create_refuses_a_short_password_naming_the_rule() -> None:
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=OperatorFactory.create(), username="clerk.li", password="Short-pw-11")
    assert refused.value.field == "password"
    assert "至少需要 12 个字符" in refused.value.message
    assert not User.objects.filter(username="clerk.li").exists()
