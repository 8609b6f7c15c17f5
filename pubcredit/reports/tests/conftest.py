"""Fixtures of the report tests: one signing key pair per session, a per-test private storage, a
day to stand on under 西安, a company account with records, and helpers to read a report back."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import override_settings

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ProviderClerkFactory, SubjectAccountFactory
from pubcredit.catalog.models import CatalogItem
from pubcredit.reports.models import Report
from pubcredit.reports.signing import keys_generate

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="session")
def signing_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("report-keys")
    key, cert = folder / "key.pem", folder / "cert.pem"
    with override_settings(PUBCREDIT_REPORT_SIGNING_KEY=str(key), PUBCREDIT_REPORT_SIGNING_CERT=str(cert)):
        keys_generate(common_name="测试平台报告签章", organisation="测试信用中心", days=3650)
    return key, cert


@pytest.fixture(autouse=True)
def report_settings(settings: Any, tmp_path: Path, signing_files: tuple[Path, Path]) -> Path:
    """Signing files from the session, reports stored in a per-test private storage."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    settings.PUBCREDIT_REPORT_SIGNING_KEY = str(signing_files[0])
    settings.PUBCREDIT_REPORT_SIGNING_CERT = str(signing_files[1])
    settings.PUBCREDIT_POLICY = "xian"
    settings.PUBCREDIT_PUBLIC_BASE_URL = "https://credit.example.cn"
    return root


@pytest.fixture
def today() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI), tick=False):
        yield TODAY


@pytest.fixture
def account(db: None) -> User:
    return SubjectAccountFactory.create()


@pytest.fixture
def clerk(db: None) -> User:
    return ProviderClerkFactory.create()


def item_with_code(code: str, name: str, *, openness: str = "public", info_class: str = "supervision") -> CatalogItem:
    """A catalogue item with a seed code (CF, QZ, XSPJ...), for the 信用代证 fields."""
    item, _ = CatalogItem.objects.get_or_create(
        code=code,
        version=1,
        defaults={
            "valid_from": dt.date(2000, 1, 1),
            "status": CatalogItem.Status.published,
            "name": name,
            "info_class": info_class,
            "kind": "bad",
            "subject_kinds": ["org", "person"],
            "openness": openness,
            "period_rule": {"mode": "pack"},
            "fields": [
                {"name": "CF_XDR_MC", "label": "行政相对人名称", "type": "string"},
                {"name": "CF_NR", "label": "处罚内容", "type": "string"},
            ],
        },
    )
    return item


def pdf_bytes(report: Report) -> bytes:
    with default_storage.open(report.path, "rb") as handle:
        return handle.read()


def pdf_text(content: bytes) -> str:
    """The text of every page, with the line breaks of the lay-out removed."""
    document = pdfium.PdfDocument(io.BytesIO(content))
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    return "".join(pages).replace("\r", "").replace("\n", "")
