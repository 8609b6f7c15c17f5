"""The platform's report signing certificate and the PAdES signature of every report.

The key and the certificate are files under var/ (like the platform's other keys), never in the
database or the repository; their paths come from the settings `PUBCREDIT_REPORT_SIGNING_KEY` and
`PUBCREDIT_REPORT_SIGNING_CERT` (default: var/reports/signing-key.pem and signing-cert.pem).
`pubcredit reports keys` writes a self-signed pair; a deployment may put a certificate issued by
a CA in its place. A missing or unreadable file is a `ConfigurationError` naming the path.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import ConfigurationError

# Room for the CMS signature container, so pyHanko need not sign twice to measure it.
SIGNATURE_BYTES = 8192

_lock = threading.Lock()
_cache: dict[tuple[str, str, float, float], SigningMaterial] = {}


def key_path() -> Path:
    default = Path(settings.VAR_DIR) / "reports" / "signing-key.pem"
    return Path(getattr(settings, "PUBCREDIT_REPORT_SIGNING_KEY", None) or default)


def cert_path() -> Path:
    default = Path(settings.VAR_DIR) / "reports" / "signing-cert.pem"
    return Path(getattr(settings, "PUBCREDIT_REPORT_SIGNING_CERT", None) or default)


@dataclass(frozen=True)
class SigningMaterial:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    cert_pem: bytes
    cert_der: bytes
    subject: str
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint_sm3: str
    fingerprint_sha256: str


def keys_generate(*, common_name: str, organisation: str, days: int, force: bool = False) -> tuple[Path, Path]:
    """Write a new ECDSA P-256 key and a self-signed certificate for signing reports.

    P-256 rather than RSA: loading an RSA key validates it, which cost about 90 ms per signature.
    """
    kp, cp = key_path(), cert_path()
    if not force and (kp.exists() or cp.exists()):
        raise ConfigurationError(f"report signing key or certificate already exists at {kp} / {cp}; use --force")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    kp.parent.mkdir(parents=True, exist_ok=True)
    cp.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(kp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    cp.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return kp, cp


def signing_material() -> SigningMaterial:
    """The loaded signer and certificate, read once per process and again when the files change."""
    kp, cp = key_path(), cert_path()
    for path, what in ((kp, "key"), (cp, "certificate")):
        if not path.is_file():
            raise ConfigurationError(
                f"report signing {what} not found at {path}; run `pubcredit reports keys` "
                f"or set PUBCREDIT_REPORT_SIGNING_{'KEY' if what == 'key' else 'CERT'}"
            )
    token = (str(kp), str(cp), kp.stat().st_mtime, cp.stat().st_mtime)
    with _lock:
        found = _cache.get(token)
        if found is not None:
            return found
        from pyhanko.sign import signers  # heavy import, only where reports are signed

        try:
            signer = signers.SimpleSigner.load(str(kp), str(cp))
        except Exception as exc:  # pyHanko reports unreadable files in several ways
            raise ConfigurationError(f"report signing key {kp} or certificate {cp} cannot be read: {exc}") from exc
        if signer is None:
            raise ConfigurationError(f"report signing key {kp} or certificate {cp} cannot be read")
        cert_pem = cp.read_bytes()
        cert = x509.load_pem_x509_certificate(cert_pem)
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        material = SigningMaterial(
            signer=signer,
            cert_pem=cert_pem,
            cert_der=cert_der,
            subject=cert.subject.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            fingerprint_sm3=sm3_hex(cert_der),
            fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        )
        _cache.clear()
        _cache[token] = material
        return material


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """The PDF with a PAdES (ETSI.CAdES.detached) signature of the platform certificate.

    pyHanko's synchronous signing runs its own event loop (`asyncio.run`), which cannot start in a
    thread whose loop is already running (an ASGI server, a caller driving asyncio); there it runs
    in a worker thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign_pdf(pdf, reason=reason, location=location)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_sign_pdf, pdf, reason=reason, location=location).result()


def _sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    material = signing_material()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="PlatformSignature",
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = io.BytesIO()
    signers.sign_pdf(writer, meta, signer=material.signer, output=out, bytes_reserved=SIGNATURE_BYTES)  # type: ignore[arg-type]
    return out.getvalue()
