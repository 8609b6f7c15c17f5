"""The sign-in form: Django's, with the lock-out in front of the password check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from pubcredit.accounts.lockout import LoginLocked, login_failure_record, login_lock_check
from pubcredit.core.client_address import client_address


class SignInForm(AuthenticationForm):
    """A failure counts against the username typed; the count is reset by the view once the
    whole sign-in (second factor included) succeeds, so a guessed password alone resets nothing."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                login_lock_check(username)
            except LoginLocked as exc:
                raise ValidationError(exc.message, code="locked") from None
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                address = client_address(self.request) if self.request is not None else ""
                until = login_failure_record(username, client=address)
                if until is not None:
                    raise ValidationError(LoginLocked(until).message, code="locked")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
