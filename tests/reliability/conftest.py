"""Fixtures of the reliability tests: a seeded template per session and a copy of it per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.support import Database, copy_of, drop_template, make_template


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = make_template(tmp_path_factory.mktemp("reliability-template"))
    yield db
    drop_template(db)


@pytest.fixture
def city(template: Database, tmp_path: Path) -> Iterator[Database]:
    yield from copy_of(template, tmp_path)
