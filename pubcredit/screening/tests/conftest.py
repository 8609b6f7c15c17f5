"""Fixtures of the screening tests: a consumer department with its clerk, subjects to find, and
upload files built in memory (XLSX with openpyxl, CSV as bytes)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from openpyxl import Workbook

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ConsumerClerkFactory
from pubcredit.screening.index import forget_indexes


@pytest.fixture(autouse=True)
def fresh_index(settings: Any) -> Iterator[None]:
    """No index file on disk and no index kept from another test's database."""
    settings.PUBCREDIT_SCREENING_INDEX_DIR = ""
    forget_indexes()
    yield
    forget_indexes()


@pytest.fixture
def clerk(db: None) -> User:
    return ConsumerClerkFactory.create()


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)
