"""Reports carry a PAdES signature of the platform certificate that pyHanko's validator accepts
with that certificate as the trust root; a changed byte breaks it. The key pair comes from
`pubcredit reports keys`; a missing file stops generation with a ConfigurationError."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from pubcredit.accounts.models import User
from pubcredit.core.errors import ConfigurationError
from pubcredit.reports.models import Report, ReportKind
from pubcredit.reports.services import report_generate
from pubcredit.reports.signing import signing_material
from pubcredit.reports.tests.conftest import pdf_bytes

pytestmark = pytest.mark.django_db

SPAN = (dt.date(2024, 1, 1), dt.date(2026, 11, 20))


def _status(content: bytes) -> Any:
    root = asn1_x509.Certificate.load(signing_material().cert_der)
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    (signature,) = reader.embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))


def test_the_signature_validates_against_the_platform_certificate(today: dt.date, account: User) -> None:
    report = report_generate(actor=account, kind=ReportKind.FULL, span_from=SPAN[0], span_to=SPAN[1])

    status = _status(pdf_bytes(report))

    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"


def test_a_changed_byte_breaks_the_signature(today: dt.date, account: User) -> None:
    report = report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])
    content = bytearray(pdf_bytes(report))
    position = content.index(b"/Producer")  # inside the signed range
    content[position + 1] ^= 0x20

    status = _status(bytes(content))

    assert not status.intact
    assert not status.bottom_line


def test_missing_signing_files_stop_generation_naming_the_path(
    today: dt.date, account: User, settings: Any, tmp_path: Path
) -> None:
    settings.PUBCREDIT_REPORT_SIGNING_KEY = str(tmp_path / "absent-key.pem")
    with pytest.raises(ConfigurationError, match=r"absent-key\.pem.*pubcredit reports keys"):
        report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])
    assert not Report.objects.exists()


def test_the_keys_command_writes_a_pair_and_keeps_an_existing_one(settings: Any, tmp_path: Path) -> None:
    settings.PUBCREDIT_REPORT_SIGNING_KEY = str(tmp_path / "keys" / "key.pem")
    settings.PUBCREDIT_REPORT_SIGNING_CERT = str(tmp_path / "keys" / "cert.pem")
    out = io.StringIO()

    call_command("reports", "keys", "--days", "30", stdout=out)

    assert "Report signing certificate written to" in out.getvalue()
    key = tmp_path / "keys" / "key.pem"
    assert key.stat().st_mode & 0o077 == 0  # readable by the owner only
    material = signing_material()
    assert "公共信用信息平台" in material.subject
    assert (material.not_after - material.not_before).days == 30
    before = key.read_bytes()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already exists"):
        call_command("reports", "keys", stdout=io.StringIO())
    assert key.read_bytes() == before


def test_purge_orphans_deletes_only_unarchived_files_older_than_a_day(
    today: dt.date, account: User, report_settings: Path
) -> None:
    import os

    report = report_generate(actor=account, kind=ReportKind.PUBLIC, span_from=SPAN[0], span_to=SPAN[1])
    folder = report_settings / "reports"
    orphan = folder / ("0" * 64 + ".pdf")
    orphan.write_bytes(b"%PDF-1.7 left behind")
    fresh = folder / ("1" * 64 + ".pdf")
    fresh.write_bytes(b"%PDF-1.7 just written")
    old = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    os.utime(orphan, (old, old))
    os.utime(report_settings / report.path, (old, old))
    out = io.StringIO()

    call_command("reports", "purge-orphans", stdout=out)

    assert "Orphaned report files deleted: 1" in out.getvalue()
    assert not orphan.exists() and fresh.exists()
    assert (report_settings / report.path).exists()


def test_warming_up_lays_out_a_page(db: None) -> None:
    from pubcredit.reports.render import html_to_pdf, warm_up

    warm_up()
    pdf, pages = html_to_pdf("<p>䶮𠮷</p>")
    assert pages == 1 and pdf.startswith(b"%PDF-")
