"""Helpers for tests that write policy packs: the shipped texts and a cache reset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pubcredit.policy.loader import PACKS_DIR, clear_cache


def reset_policy_cache() -> None:
    """Forget every parsed pack, so a test sees the files as they are now."""
    clear_cache()


def shipped(code: str) -> str:
    """The text of a pack shipped with the platform."""
    return (PACKS_DIR / f"{code}.toml").read_text(encoding="utf-8")


#: `pack_dir(**files)` fixture type: writes packs into a copy of the shipped directory.
PackWriter = Callable[..., Path]
