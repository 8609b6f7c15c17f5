"""Personal identifiers at rest (GB/T 39786-2021: SM3/SM4), and masking for display.

An ID number is stored as SM4-GCM ciphertext (random 12-byte nonce, 16-byte tag) and found by
a keyed SM3-HMAC blind index, so that equality look-ups never need the plaintext. Keys come
from settings (environment), never from the database.
"""

from __future__ import annotations

import hmac as std_hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_VERSION = b"\x01"  # ciphertext format: version || nonce(12) || tag(16) || ciphertext
_NONCE_LEN = 12
_TAG_LEN = 16


class DecryptionError(Exception):
    """Ciphertext that does not open with the configured key (tampered, or another key)."""


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def sm3_hmac_hex(key: bytes, data: bytes) -> str:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, associated_data: bytes = b"") -> bytes:
    nonce = os.urandom(_NONCE_LEN)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if associated_data:
        encryptor.authenticate_additional_data(associated_data)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return _VERSION + nonce + encryptor.tag + body


def sm4_gcm_decrypt(key: bytes, blob: bytes, associated_data: bytes = b"") -> bytes:
    if len(blob) < 1 + _NONCE_LEN + _TAG_LEN or blob[:1] != _VERSION:
        raise DecryptionError("ciphertext has an unknown format")
    nonce = blob[1 : 1 + _NONCE_LEN]
    tag = blob[1 + _NONCE_LEN : 1 + _NONCE_LEN + _TAG_LEN]
    body = blob[1 + _NONCE_LEN + _TAG_LEN :]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if associated_data:
        decryptor.authenticate_additional_data(associated_data)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def encrypt_identifier(plain: str) -> bytes:
    """Encrypt a personal identifier (e.g. an ID number) with the platform's SM4 key."""
    return sm4_gcm_encrypt(settings.PUBCREDIT_SM4_KEY, plain.encode("utf-8"), b"pubcredit:id")


def decrypt_identifier(blob: bytes) -> str:
    return sm4_gcm_decrypt(settings.PUBCREDIT_SM4_KEY, bytes(blob), b"pubcredit:id").decode("utf-8")


def blind_index(plain: str) -> str:
    """Keyed SM3-HMAC of a normalised identifier: the only way the database can find it."""
    return sm3_hmac_hex(settings.PUBCREDIT_INDEX_KEY, plain.strip().upper().encode("utf-8"))


def constant_time_equal(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def mask_id_number(id_number: str) -> str:
    """610103199001011234 -> 610103********123X style: region kept, birth date hidden, last 4 kept."""
    value = id_number.strip().upper()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_person_name(name: str) -> str:
    """张三 -> 张*, 欧阳明明 -> 欧***: the surname's first character only."""
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
