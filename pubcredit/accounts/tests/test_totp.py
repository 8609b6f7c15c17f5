"""RFC 6238 appendix B and RFC 4226 appendix D test vectors, and the single-use window."""

from __future__ import annotations

import pytest

from pubcredit.accounts import totp

SHA1_SEED = b"12345678901234567890"
SHA256_SEED = b"12345678901234567890123456789012"
SHA512_SEED = SHA1_SEED * 3 + b"1234"

# (time, SHA1, SHA256, SHA512) from RFC 6238 appendix B, 8 digits.
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]


@pytest.mark.parametrize(("moment", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_vectors(moment: int, sha1: str, sha256: str, sha512: str) -> None:
    assert totp.totp(SHA1_SEED, moment, digits=8) == sha1
    assert totp.totp(SHA256_SEED, moment, digits=8, digest="sha256") == sha256
    assert totp.totp(SHA512_SEED, moment, digits=8, digest="sha512") == sha512


def test_rfc4226_vectors() -> None:
    assert [totp.hotp(SHA1_SEED, counter) for counter in range(10)] == RFC4226


def test_a_code_matches_within_one_step_either_side_and_only_after_the_last_used_step() -> None:
    moment = 1234567890
    step = totp.step_at(moment)
    code = totp.totp(SHA1_SEED, moment)
    assert totp.totp_match(SHA1_SEED, code, moment) == step
    assert totp.totp_match(SHA1_SEED, code, moment + 30) == step
    assert totp.totp_match(SHA1_SEED, code, moment - 30) == step
    assert totp.totp_match(SHA1_SEED, code, moment + 90) is None
    assert totp.totp_match(SHA1_SEED, code, moment, after_step=step) is None  # used already
    assert totp.totp_match(SHA1_SEED, f" {code[:3]} {code[3:]} ", moment) == step
    for wrong in ("", "12345", "1234567", "abcdef", str((int(code) + 1) % 10**6).zfill(6)):
        assert totp.totp_match(SHA1_SEED, wrong, moment) is None


def test_provisioning_uri_and_secret() -> None:
    secret = totp.secret_generate()
    assert len(secret) == 20
    assert totp.secret_base32(SHA1_SEED) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    uri = totp.provisioning_uri(SHA1_SEED, account="operator1", issuer="公共信用信息平台")
    assert uri.startswith("otpauth://totp/%E5%85%AC")
    assert "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in uri
    assert "digits=6" in uri and "period=30" in uri and "algorithm=SHA1" in uri
