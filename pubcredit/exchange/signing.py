"""The platform's exchange key pair and the signature of every feed page (Ed25519).

The private key is a file under var/ (like the platform's other keys), never in the database or
the repository: setting `PUBCREDIT_EXCHANGE_KEY`, default var/exchange/signing-key.pem.
`pubcredit exchange keys` writes it. A page is signed over its canonical JSON bytes (keys sorted,
no blanks, UTF-8), which are exactly the bytes sent, so the receiver verifies what it received.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import ConfigurationError

ALGORITHM = "ed25519"
SIGNATURE_HEADER = "X-Pubcredit-Signature"
KEY_ID_HEADER = "X-Pubcredit-Key-Id"


def key_path() -> Path:
    default = Path(settings.VAR_DIR) / "exchange" / "signing-key.pem"
    return Path(getattr(settings, "PUBCREDIT_EXCHANGE_KEY", None) or default)


def canonical_json(value: Any) -> bytes:
    """The one byte form of a page: what is signed, sent and verified."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def keys_generate(*, force: bool = False) -> Path:
    """Write a new Ed25519 private key (mode 600); an existing one is kept unless `force`."""
    path = key_path()
    if path.exists() and not force:
        raise ConfigurationError(f"exchange signing key already exists at {path}; use --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def _private_key() -> Ed25519PrivateKey:
    path = key_path()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise ConfigurationError(
            f"exchange signing key not found at {path}; run `pubcredit exchange keys` to create it"
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"exchange signing key at {path} cannot be read: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"exchange signing key at {path} is not an Ed25519 key")
    return key


def public_key_pem() -> str:
    return (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id(public_pem: str) -> str:
    """A short fingerprint of a public key: the first 16 hex digits of SM3 over its PEM text."""
    return sm3_hex(public_pem.strip().encode("ascii"))[:16]


def public_key_valid(public_pem: str) -> bool:
    try:
        key = serialization.load_pem_public_key(public_pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return isinstance(key, Ed25519PublicKey)


def sign(body: bytes) -> str:
    """`ed25519:<base64 signature>` over the exact body bytes."""
    return f"{ALGORITHM}:{base64.b64encode(_private_key().sign(body)).decode('ascii')}"


def verify(body: bytes, signature: str, public_pem: str) -> bool:
    """True when `signature` is ours-style and made over `body` by the key `public_pem`."""
    algorithm, _, encoded = signature.partition(":")
    if algorithm != ALGORITHM or not encoded:
        return False
    try:
        key = serialization.load_pem_public_key(public_pem.strip().encode("ascii"))
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(raw, body)
    except InvalidSignature:
        return False
    return True
