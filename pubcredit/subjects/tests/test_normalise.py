import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.subjects.normalise import name_core, normalise_name


def _fullwidth(text: str) -> str:
    out = []
    for ch in text:
        if ch == " ":
            out.append("\u3000")
        elif "!" <= ch <= "~":
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


@given(st.text(max_size=40))
def test_normalise_name_is_idempotent(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(st.text(max_size=40))
def test_name_core_is_idempotent_and_a_prefix_of_the_normalised_name(name: str) -> None:
    core = name_core(name)
    assert name_core(core) == core
    assert normalise_name(name).startswith(core)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30))
def test_width_insensitive_for_ascii(text: str) -> None:
    assert normalise_name(_fullwidth(text)) == normalise_name(text)


@given(st.text(alphabet="西安市某某科技有限公司集团（）() 　", max_size=30))
def test_width_insensitive_for_mixed_chinese(text: str) -> None:
    assert normalise_name(_fullwidth(text)) == normalise_name(text)
    assert name_core(_fullwidth(text)) == name_core(text)


def test_brackets_blanks_and_width_unified() -> None:
    assert normalise_name(" 西安 某某（北京）科技\u3000有限公司 ") == "西安某某(北京)科技有限公司"
    assert normalise_name("ＡＢＣ［西安］信息\u200b技术有限公司") == "ABC(西安)信息技术有限公司"
    assert normalise_name("约翰・史密斯") == "约翰·史密斯"


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("西安某某科技有限公司", "西安某某科技"),
        ("西安某某科技有限责任公司", "西安某某科技"),
        ("陕西某某股份有限公司", "陕西某某"),
        ("某某集团有限公司", "某某"),
        ("某某有限公司西安分公司", "某某有限公司西安"),
        ("某某会计师事务所（特殊普通合伙）", "某某会计师事务所"),
        ("某某投资合伙企业（有限合伙）", "某某投资"),
        ("长安区某某种植农民专业合作社", "长安区某某种植"),
        ("中国某某银行西安分行", "中国某某银行西安"),
        ("某某小吃店", "某某小吃店"),
        ("有限公司", "有限公司"),
        ("公司", "公司"),
    ],
)
def test_name_core_drops_legal_forms_only(name: str, core: str) -> None:
    assert name_core(name) == core


def test_name_normalized_keeps_the_legal_form() -> None:
    assert normalise_name("西安某某科技有限公司") == "西安某某科技有限公司"
