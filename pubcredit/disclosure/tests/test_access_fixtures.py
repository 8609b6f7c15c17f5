"""Shared fixtures of the authorised-query and sharing tests (imported by each test_access_* module).

A company subject with one record in each of three items: a restricted supervision record (the
item authorisations grant), a public one, and a restricted qualification record (never granted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pubcredit.accounts.models import ApiClient, Organisation, User
from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    ConsumerClerkFactory,
    ConsumerOrganisationFactory,
    OperatorFactory,
    SubjectAccountFactory,
)
from pubcredit.disclosure.models.access import Authorisation
from pubcredit.disclosure.services.authorisations import authorisation_grant
from pubcredit.disclosure.tests.factories import catalog_item, make_record
from pubcredit.records.models import Record
from pubcredit.subjects.models import Subject

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PURPOSE = "贷款审批"


@dataclass
class Scene:
    account: User
    subject: Subject
    bank: Organisation
    client: ApiClient
    clerk: User
    granted: Record  # restricted supervision record: item GRANTED
    public: Record
    other: Record  # restricted qualification record: never granted

    @property
    def granted_code(self) -> str:
        return self.granted.item_code


def document(name: str = "书面授权书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def document_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def scene(db: None, today: dt.date) -> Scene:
    account: User = SubjectAccountFactory.create()
    subject = account.subject
    assert subject is not None
    bank = ConsumerOrganisationFactory.create(name="西安银行股份有限公司测试支行")
    client = ApiClientFactory.create(organisation=bank, scopes=["query"])
    clerk: User = ConsumerClerkFactory.create(organisation=bank)
    granted = make_record(subject, openness="restricted", info_class="supervision", kind="bad")
    public = make_record(subject, openness="public", info_class="supervision", kind="bad")
    other = make_record(subject, openness="restricted", info_class="qualification", kind="good")
    catalog_item(openness="sharing_only", info_class="supervision", kind="bad")
    return Scene(account, subject, bank, client, clerk, granted, public, other)


@pytest.fixture
def operator(db: None) -> User:
    return OperatorFactory.create()


def grant(
    scene: Scene, today: dt.date, *, days: int = 30, items: list[str] | None = None, **extra: Any
) -> Authorisation:
    return authorisation_grant(
        actor=scene.account,
        requester_organisation=scene.bank,
        item_codes=items or [scene.granted_code],
        purpose=PURPOSE,
        valid_from=today,
        valid_until=today + dt.timedelta(days=days),
        **extra,
    )
