"""Fixtures of the repair tests: a day to stand on, a pack, a provider with its clerk, a subject
account with its records, proof files in a per-test storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.tests.factories import ProviderClerkFactory, SubjectAccountFactory
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.records.models import Record

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32


def at(day: dt.date) -> AbstractContextManager[Any]:
    """Stand on `day` at 10:00 in Asia/Shanghai."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False)


def proof(name: str = "缴款凭证.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def proof_storage(settings: Any, tmp_path: Path) -> Path:
    """Proofs go to a per-test directory, whatever location the settings give the default storage."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def pack() -> Callable[[str], override_settings]:
    def use(code: str) -> override_settings:
        return override_settings(PUBCREDIT_POLICY=code)

    return use


@pytest.fixture
def clerk(db: None) -> User:
    return ProviderClerkFactory.create()


@pytest.fixture
def provider(clerk: User) -> Organisation:
    assert clerk.organisation is not None
    return clerk.organisation


@pytest.fixture
def applicant(db: None) -> User:
    return SubjectAccountFactory.create()


@pytest.fixture
def bad_record(applicant: User, provider: Organisation) -> Callable[..., Record]:
    """A bad record of the applicant's subject by the clerk's department."""

    def make(**kwargs: Any) -> Record:
        kwargs.setdefault("by", provider)
        return make_record(applicant.subject, **kwargs)  # type: ignore[arg-type]

    return make
