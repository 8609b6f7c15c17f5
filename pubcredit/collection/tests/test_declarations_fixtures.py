"""Shared fixtures of the self-declaration tests (imported by each test_declarations_* module).

Proof files are written to a per-test directory, never the working tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from pubcredit.accounts.models import RoleGrant, User
from pubcredit.accounts.tests.factories import (
    OperatorFactory,
    PersonSubjectAccountFactory,
    SubjectAccountFactory,
)
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.catalog.services import catalog_seed
from pubcredit.core.roles import Role

CST = dt.timezone(dt.timedelta(hours=8))
# After the national tiers (2026-04-01): a warning record then needs a tier.
TODAY = dt.datetime(2026, 6, 10, 10, 0, tzinfo=CST)

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32


def upload(name: str = "证书.pdf", content: bytes = PDF, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def bz_data(**overrides: Any) -> dict[str, Any]:
    """A 表彰奖励 declaration as the form sends it (no identity fields: those come from the subject)."""
    data: dict[str, Any] = {
        "honour_type": "重合同守信用",
        "honour_name": "2025年度西安市守合同重信用企业",
        "awarded_by_level": "市级",
        "document_no": "市监发〔2026〕12号",
        "decision_org": "西安市市场监督管理局",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def today() -> Iterator[dt.date]:
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture(autouse=True)
def proof_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def catalogue(db: None, today: dt.date) -> None:
    catalog_seed()


@pytest.fixture
def bz(catalogue: None) -> CatalogItem:
    return catalog_item_get("BZ")


@pytest.fixture
def operator(db: None) -> User:
    return OperatorFactory.create()


@pytest.fixture
def company_account(db: None) -> User:
    return SubjectAccountFactory.create()


@pytest.fixture
def person_account(db: None) -> User:
    return PersonSubjectAccountFactory.create()


@pytest.fixture
def nantong(settings: Any) -> None:
    settings.PUBCREDIT_POLICY = "nantong"


@pytest.fixture
def xian(settings: Any) -> None:
    settings.PUBCREDIT_POLICY = "xian"


@pytest.fixture
def centre_records_warnings(operator: User) -> User:
    """Where a warning record is written (南通 第二十三条) the centre reports it as a provider."""
    centre = operator.organisation
    assert centre is not None
    centre.is_provider = True
    centre.save(update_fields=["is_provider"])
    RoleGrant.objects.create(user=operator, role=Role.PROVIDER, organisation=centre)
    operator.forget_roles()
    return operator
