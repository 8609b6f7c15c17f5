"""The typed result of reading a policy pack: one `Param` per key, gathered in a `Policy`.

Every value carries the article that set it and the pack it came from, so that a decision made
from it can say which rule made it (`explain`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from pubcredit.policy.schema import KEYS, PLATFORM_DEFAULT

PolicyValue = int | bool | str | list[str] | None


@dataclass(frozen=True, slots=True)
class Param:
    """One resolved parameter. `value is None` means the pack sets no such rule."""

    key: str
    value: PolicyValue
    article: str
    pack: str
    note: str = ""
    since: date | None = None  # the day a dated change put this value in force, None for the base value

    @property
    def is_platform_default(self) -> bool:
        """True when no regulation text gives the value and the platform chose it (see `note`)."""
        return self.article == PLATFORM_DEFAULT


def _unknown_key(key: str) -> KeyError:
    close = difflib.get_close_matches(key, KEYS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return KeyError(f"unknown policy key {key!r}{hint}")


@dataclass(frozen=True, slots=True)
class Policy:
    """The rules in force on one date for one jurisdiction, layered over the national baseline.

    `in_force` is False when the requested pack does not cover `on` (before its effective_from or
    after its effective_to): every value then comes from the national baseline.
    """

    code: str
    name: str
    title: str
    on: date
    in_force: bool
    _params: Mapping[str, Param]

    def param(self, key: str) -> Param:
        try:
            found = self._params[key]
        except KeyError:
            raise _unknown_key(key) from None
        # Lists are copied so that a caller cannot change the cached pack for everyone else.
        if isinstance(found.value, list):
            return replace(found, value=list(found.value))
        return found

    def value(self, key: str) -> PolicyValue:
        return self.param(key).value

    def params(self) -> list[Param]:
        """Every parameter in the declared key order."""
        return [self.param(key) for key in KEYS]

    # Typed accessors: they check the declared kind so that a wrong read fails loudly in tests.

    def integer(self, key: str) -> int | None:
        value = self.value(key)
        if KEYS[key].kind != "int" or isinstance(value, bool):
            raise TypeError(f"policy key {key!r} is not an integer key")
        assert value is None or isinstance(value, int)
        return value

    def flag(self, key: str) -> bool:
        value = self.value(key)
        if not isinstance(value, bool):
            raise TypeError(f"policy key {key!r} is not a true/false key")
        return value

    def text(self, key: str) -> str:
        value = self.value(key)
        if KEYS[key].kind != "enum" or not isinstance(value, str):
            raise TypeError(f"policy key {key!r} is not a one-of-several key")
        return value

    def codes(self, key: str) -> list[str]:
        value = self.value(key)
        if not isinstance(value, list):
            raise TypeError(f"policy key {key!r} is not a list key")
        return value
