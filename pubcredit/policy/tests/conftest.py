"""Fixtures for the policy tests: a clean pack cache and throw-away pack directories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pubcredit.policy.loader import PACKS_DIR
from pubcredit.policy.tests.packfiles import PackWriter, reset_policy_cache


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> Iterator[None]:
    reset_policy_cache()
    yield
    reset_policy_cache()


@pytest.fixture
def pack_dir(tmp_path: Path) -> PackWriter:
    """A copy of the shipped packs in tmp_path; keyword arguments replace or add files by code.

    `pack_dir(xian="...toml text...")` writes xian.toml; `pack_dir(xian=None)` removes it.
    """

    def write(**files: str | None) -> Path:
        folder = tmp_path / "packs"
        if not folder.exists():
            shutil.copytree(PACKS_DIR, folder)
        for code, text in files.items():
            path = folder / f"{code}.toml"
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")
        return folder

    return write
