"""Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30-second steps, 6 digits.

What every authenticator app speaks; a few lines of the standard library rather than another
dependency. Secrets are 20 random bytes, shown to the user once in base32.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20
# One step either side absorbs a phone's clock that is a little off, as RFC 6238 §5.2 suggests.
WINDOW = 1


def secret_generate() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def secret_base32(secret: bytes) -> str:
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def hotp(secret: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 §5.3: dynamic truncation of HMAC(secret, counter)."""
    mac = hmac.new(secret, struct.pack(">Q", counter), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def totp(secret: bytes, unix_time: float, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    return hotp(secret, step_at(unix_time), digits=digits, digest=digest)


def totp_match(secret: bytes, code: str, unix_time: float, *, after_step: int = 0) -> int | None:
    """The step whose code is `code`, within the window and later than `after_step`, else None.

    Refusing steps up to `after_step` (the last one accepted) is what makes a code single-use.
    """
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_at(unix_time)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if step > after_step and hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def provisioning_uri(secret: bytes, *, account: str, issuer: str) -> str:
    """The otpauth:// URI that authenticator apps read (the Key Uri Format)."""
    label = quote(f"{issuer}:{account}", safe="")
    fields = {"secret": secret_base32(secret), "issuer": issuer, "algorithm": "SHA1"}
    query = urlencode({**fields, "digits": DIGITS, "period": STEP_SECONDS}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"
