import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.core import crypto


def test_sm3_matches_the_standard_test_vector() -> None:
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@given(st.text(min_size=8, max_size=40))
def test_identifier_round_trips_and_ciphertext_differs_each_time(plain: str) -> None:
    first = crypto.encrypt_identifier(plain)
    second = crypto.encrypt_identifier(plain)
    assert first != second
    assert plain.encode() not in first
    assert crypto.decrypt_identifier(first) == plain


def test_tampered_ciphertext_is_refused() -> None:
    blob = bytearray(crypto.encrypt_identifier("610103199001011234"))
    blob[-1] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_identifier(bytes(blob))


def test_blind_index_is_stable_keyed_and_case_insensitive() -> None:
    a = crypto.blind_index("61010319900101123x")
    assert a == crypto.blind_index("61010319900101123X ")
    assert a != crypto.blind_index("610103199001011235")
    assert a != crypto.sm3_hex(b"61010319900101123X")
    assert len(a) == 64


def test_masking_keeps_region_and_last_four() -> None:
    assert crypto.mask_id_number("61010319900101123x") == "610103********123X"
    assert crypto.mask_person_name("欧阳明明") == "欧***"
    assert crypto.mask_person_name("张") == "张"
