"""Files written for a transaction that rolled back are removed once they are a day old."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from pubcredit.collection.models import DeclarationAttachment, RawUpload
from pubcredit.collection.raw_store import store_stream
from pubcredit.collection.services.declarations import declaration_submit
from pubcredit.collection.services.uploads import orphan_files_purge
from pubcredit.collection.tests.test_declarations_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_declarations_fixtures import bz_data, upload
from pubcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
OLD = (NOW - dt.timedelta(days=2)).timestamp()
FRESH = (NOW - dt.timedelta(hours=2)).timestamp()


@pytest.fixture
def stores(settings, tmp_path: Path) -> Path:
    settings.UPLOAD_DIR = tmp_path / "uploads"  # declaration proofs go to MEDIA_ROOT (proof_storage)
    return settings.UPLOAD_DIR


def raw_file(content: bytes, mtime: float) -> Path:
    stored = store_stream([content])
    os.utime(stored.path, (mtime, mtime))
    return stored.path


def proof_file(name: str, mtime: float) -> str:
    relative = default_storage.save(f"declarations/{name}", ContentFile(b"%PDF-1.7 proof"))
    absolute = default_storage.path(relative)
    os.utime(absolute, (mtime, mtime))
    return relative


def test_old_unreferenced_files_go_and_everything_else_stays(stores: Path, bz, company_account) -> None:
    orphan_raw = raw_file(b"rolled back batch", OLD)
    fresh_raw = raw_file(b"batch still in its transaction", FRESH)
    kept_raw = raw_file(b"landed batch", OLD)
    RawUpload.objects.create(
        sm3="0" * 64, size=12, path=kept_raw.relative_to(stores).as_posix(), retain_until=dt.date(2031, 1, 1)
    )
    temp = stores / ".incoming-abandoned"
    temp.write_bytes(b"half an upload")
    os.utime(temp, (OLD, OLD))
    orphan_proof = proof_file("a" * 64, OLD)
    declaration_submit(
        actor=company_account, item=bz, data=bz_data(), decided_on=dt.date(2026, 1, 5), attachments=[upload()]
    )
    kept_proof = DeclarationAttachment.objects.get().path
    os.utime(default_storage.path(kept_proof), (OLD, OLD))

    done = orphan_files_purge(now=NOW)

    assert done.purged == 3
    assert not orphan_raw.exists() and not temp.exists() and not default_storage.exists(orphan_proof)
    assert fresh_raw.exists() and kept_raw.exists() and default_storage.exists(kept_proof) is True
    assert AuditEvent.objects.filter(action="collection.orphan_files.purge").count() == 1
    assert orphan_files_purge(now=NOW).purged == 0  # nothing left to do
