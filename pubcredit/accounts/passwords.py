"""Password rules that Django's own translations do not cover in Chinese.

Django 5.2 changed the minimum-length message and its zh-hans catalogue still carries the old
text, so the refusal would reach users in English; this validator says the same in Chinese.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
