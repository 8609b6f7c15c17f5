"""API tokens: random, shown once, stored only as a keyed SM3-HMAC digest.

The digest key is derived from the blind-index key with a fixed label, so a leaked token table
cannot be matched against ID-number indexes and neither key is stored in the database.
"""

from __future__ import annotations

import secrets

from django.conf import settings

from pubcredit.core.crypto import sm3_hmac_hex

TOKEN_PREFIX = "pc_"
TOKEN_PREFIX_LENGTH = 8
_DERIVATION_LABEL = b"pubcredit:api-token:v1"


def generate_token() -> str:
    """A bearer token with 240 random bits; `pc_` lets secret scanners recognise a leak."""
    return TOKEN_PREFIX + secrets.token_urlsafe(30)


def _token_key() -> bytes:
    return bytes.fromhex(sm3_hmac_hex(settings.PUBCREDIT_INDEX_KEY, _DERIVATION_LABEL))


def token_digest(token: str) -> str:
    return sm3_hmac_hex(_token_key(), token.encode("utf-8"))


def token_prefix(token: str) -> str:
    return token[:TOKEN_PREFIX_LENGTH]
