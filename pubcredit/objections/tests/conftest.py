"""Fixtures of the objection tests: the parties, records, days in Asia/Shanghai, the public view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    AuthorityFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
)
from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.records.models import Record
from pubcredit.subjects.models import Subject

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32
PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")


def evidence(name: str = "撤销决定书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[dt.date]:
    """Run a step on `day` in Shanghai (the clock does not move)."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False):
        yield day


def public_view(subject: Subject, record: Record, day: dt.date) -> tuple[str, ...] | None:
    """The annotations the public sees with the record on `day`, or None when it is not shown."""
    for entry in records_disclosed(viewer=PUBLIC, subject=subject, on=day):
        if entry.record.pk == record.pk:
            return entry.decision.annotations
    return None


@dataclass
class Parties:
    applicant: User
    subject: Subject
    operator: User
    clerk: User
    other_clerk: User
    authority: User
    stranger: User


@pytest.fixture(autouse=True)
def evidence_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def parties(db: None) -> Parties:
    applicant = SubjectAccountFactory.create()
    assert applicant.subject is not None
    return Parties(
        applicant=applicant,
        subject=applicant.subject,
        operator=OperatorFactory.create(),
        clerk=ProviderClerkFactory.create(),
        other_clerk=ProviderClerkFactory.create(),
        authority=AuthorityFactory.create(),
        stranger=SubjectAccountFactory.create(),
    )


@pytest.fixture
def record_of(parties: Parties) -> Callable[..., Record]:
    """A public, long-term, general-tier penalty of the applicant's subject, by the clerk's department."""

    def make(**kwargs: Any) -> Record:
        kwargs.setdefault("by", parties.clerk.organisation)
        kwargs.setdefault("tier", "general")
        kwargs.setdefault("decided_on", dt.date(2026, 6, 1))
        return make_record(parties.subject, **kwargs)

    return make
