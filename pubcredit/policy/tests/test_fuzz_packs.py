"""Damaged packs built from the shipped ones: every refusal names the file and the key at fault."""

from __future__ import annotations

import json
import re
import tempfile
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.core.errors import ConfigurationError
from pubcredit.policy.loader import load_packs, parse_pack, read_pack
from pubcredit.policy.schema import KEYS
from pubcredit.policy.tests.packfiles import reset_policy_cache, shipped

NATIONAL = shipped("national")
XIAN = shipped("xian")
SHAOSHAN = shipped("shaoshan")
FUZZ = settings(max_examples=40, deadline=None)
# The parameter tables of the national pack, in file order.
NATIONAL_KEYS = [k for k in re.findall(r"^\[([a-z_.]+)\]$", NATIONAL, flags=re.M) if k in KEYS]


def _problems(text: str, name: str = "xian.toml") -> list[str]:
    pack, problems = parse_pack(text, Path(name))
    assert (pack is None) == bool(problems)
    assert all(p.startswith(f"{name}: ") for p in problems)
    return problems


def _load_refusal(code: str, text: str) -> str | None:
    """The loader's one-line refusal of a directory holding `text` as `code`.toml, or None."""
    with tempfile.TemporaryDirectory() as folder:
        if code != "national":
            (Path(folder) / "national.toml").write_text(NATIONAL, encoding="utf-8")
        (Path(folder) / f"{code}.toml").write_text(text, encoding="utf-8")
        reset_policy_cache()
        try:
            load_packs(Path(folder))
        except ConfigurationError as exc:
            assert f"{code}.toml: " in str(exc)
            return str(exc)
        finally:
            reset_policy_cache()
    return None


def _section(text: str, key: str) -> tuple[int, int]:
    """Start and end offsets of the body of table `[key]` in `text`."""
    start = text.index(f"\n[{key}]\n") + len(f"\n[{key}]\n")
    following = text.find("\n[", start)
    return start, len(text) if following < 0 else following


def _replace_in(text: str, key: str, field: str, line: str | None) -> str:
    start, end = _section(text, key)
    body = text[start:end]
    lines = [ln for ln in body.split("\n") if not ln.startswith(f"{field} =")]
    if line is not None:
        lines.insert(0, line)
    return text[:start] + "\n".join(lines) + text[end:]


_values = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=10).map(
        lambda t: json.dumps(t, ensure_ascii=False)
    ),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)).map(date.isoformat),
    st.sampled_from(
        ["1.5", "nan", "inf", "[]", '["A", "A"]', "{}", "{ value = 1 }", "12:00:00", "2026-01-01T00:00:00Z"]
    ),
)


@FUZZ
@given(st.sampled_from(NATIONAL_KEYS), _values)
def test_any_value_for_any_key_is_taken_or_refused_naming_the_key(key: str, literal: str) -> None:
    text = _replace_in(NATIONAL, key, "value", f"value = {literal}")
    text = _replace_in(text, key, "unset", None)
    problems = _problems(text, "national.toml")
    if problems:
        assert any(f"'{key}'" in p for p in problems), problems
        refusal = _load_refusal("national", text)
        assert refusal is not None and "national.toml" in refusal
    else:
        pack, _ = parse_pack(text, Path("national.toml"))
        assert pack is not None
        assert pack.entries[key].value == tomllib.loads(f"v = {literal}")["v"]


@FUZZ
@given(st.sampled_from(NATIONAL_KEYS), st.sampled_from(["", '""', '"   "', "1", "true", "[]"]))
def test_a_missing_or_empty_article_is_refused_naming_the_key(key: str, literal: str) -> None:
    line = f"article = {literal}" if literal else None
    text = _replace_in(NATIONAL, key, "article", line)
    problems = _problems(text, "national.toml")
    assert any(f"key '{key}' has no article" in p for p in problems), problems


@FUZZ
@given(st.sampled_from(NATIONAL_KEYS), st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True))
def test_an_unknown_field_or_key_is_named(key: str, extra: str) -> None:
    if extra in ("value", "article", "note", "unset"):
        return
    text = _replace_in(NATIONAL, key, extra, f"{extra} = 1")
    assert any(f"key '{key}' has unknown field '{extra}'" in p for p in _problems(text, "national.toml"))
    stray = f"{key}_{extra}"
    if stray not in KEYS:
        text = XIAN + f'\n[{stray}]\nvalue = 1\narticle = "x"\n'
        assert any(f"unknown key '{stray}'" in p for p in _problems(text))


@FUZZ
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2050, 1, 1)),
)
def test_pack_dates_out_of_order_and_changes_outside_them_are_refused(start: date, end: date, change: date) -> None:
    head, _, rest = SHAOSHAN.partition("[pack]\n")
    header, _, params = rest.partition("\n\n")
    header = re.sub(r"effective_from = .*", f"effective_from = {start.isoformat()}", header)
    header = re.sub(r"effective_to = .*", f"effective_to = {end.isoformat()}", header)
    first_key = re.search(r"^\[([a-z_.]+)\]$", params, flags=re.M)
    assert first_key is not None
    change_text = f'\n[[changes]]\nfrom = {change.isoformat()}\nnote = "n"\n[changes.{first_key.group(1)}]\n'
    body = _section("\n" + params, first_key.group(1))
    change_text += ("\n" + params)[body[0] : body[1]].strip() + "\n"
    text = head + "[pack]\n" + header + "\n\n" + params + change_text
    problems = _problems(text, "shaoshan.toml")
    if end < start:
        assert any("'pack.effective_to'" in p and "before effective_from" in p for p in problems), problems
    elif not start <= change <= end:
        assert any("'changes.from'" in p and "outside the pack's effective dates" in p for p in problems), problems
    else:
        assert problems == []


@pytest.mark.parametrize(
    "text",
    [
        "[" + ".".join(["a"] * 3000) + "]\nx = 1\n",
        "a." * 3000 + "b = 1\n",
        "a = " + "[" * 3000 + "]" * 3000 + "\n",
        "a = " + "{ b = " * 3000 + "1" + " }" * 3000 + "\n",
        XIAN + "\n[objection.provider_answer_wd.x.y.z]\nq = 1\n",
    ],
    ids=["deep-table", "deep-dotted-key", "deep-array", "deep-inline-table", "table-under-a-key"],
)
def test_deeply_nested_documents_are_refused_not_crashed(text: str) -> None:
    assert _problems(text)
    refusal = _load_refusal("xian", text)
    assert refusal is not None


def test_a_deep_unknown_table_is_named_by_its_full_path() -> None:
    text = XIAN + '\n[objektion.a.b.c]\nvalue = 1\narticle = "x"\n'
    assert any("unknown key 'objektion.a.b.c'" in p for p in _problems(text))


def test_a_pack_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows editors put a BOM before UTF-8 text; it is not part of the TOML."""
    path = tmp_path / "xian.toml"
    path.write_bytes(b"\xef\xbb\xbf" + XIAN.encode("utf-8"))
    pack, problems = read_pack(path)
    assert problems == [] and pack is not None and pack.code == "xian"


@pytest.mark.parametrize("data", [XIAN.encode("gbk"), XIAN.encode("utf-16"), b"\xff\xfe\x00", b"\x80abc"])
def test_a_pack_not_in_utf8_is_refused_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "xian.toml"
    path.write_bytes(data)
    pack, problems = read_pack(path)
    assert pack is None and len(problems) == 1 and "xian.toml: not UTF-8 text" in problems[0]


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_in_a_pack_file_are_refused_or_read_without_a_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "xian.toml"
        path.write_bytes(data)
        pack, problems = read_pack(path)
    assert (pack is None) == bool(problems)
    assert all("xian.toml: " in p for p in problems)
