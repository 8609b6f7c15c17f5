"""Whatever is in a pack file, the loader answers with a pack or a ConfigurationError, nothing else."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.core.errors import ConfigurationError
from pubcredit.policy.loader import PACKS_DIR, load_packs, parse_pack
from pubcredit.policy.schema import KEYS, PREFIXES
from pubcredit.policy.tests.packfiles import reset_policy_cache, shipped

NATIONAL = shipped("national")
XIAN = shipped("xian")


def _parse_answers_cleanly(text: str) -> None:
    pack, problems = parse_pack(text, Path("xian.toml"))
    assert (pack is None) == bool(problems)
    assert all(p.startswith("xian.toml: ") for p in problems)


def _load_answers_cleanly(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "national.toml").write_text(NATIONAL, encoding="utf-8")
        (Path(folder) / "xian.toml").write_text(text, encoding="utf-8")
        reset_policy_cache()
        try:
            packset = load_packs(Path(folder))
        except ConfigurationError as exc:
            assert "xian.toml" in str(exc)
        else:
            assert "xian" in packset.packs
        finally:
            reset_policy_cache()


@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _parse_answers_cleanly(text)


# TOML documents built from real and garbled keys with values of every TOML type.
_names = st.sampled_from(sorted(KEYS) + sorted(PREFIXES) + ["pack", "changes", "value", "article", "unset", "x.y"])
_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["annotate", "suspend", "registration", "provider", "平台默认", "西安 第十条"]),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.floats(allow_nan=True),
)


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        special = {"nan": "nan", "inf": "inf", "-inf": "-inf"}
        return special.get(repr(value), repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


_values = st.one_of(_scalars, st.lists(_scalars, max_size=4))
_fields = st.dictionaries(
    st.sampled_from(["value", "article", "note", "unset", "from", "code", "extends"]), _values, max_size=4
)
_sections = st.lists(st.tuples(_names, _fields), max_size=6)


def _document(header: bool, sections: list[tuple[str, dict[str, object]]], change: bool) -> str:
    lines = ['[pack]\ncode = "xian"\nname = "西安市"\ntitle = "t"\nextends = "national"\n'] if header else []
    if change:
        lines.append("[[changes]]\nfrom = 2030-01-01\n")
    for name, fields in sections:
        table = f"changes.{name}" if change else name
        lines.append(f"[{table}]")
        lines.extend(f"{field} = {_literal(value)}" for field, value in fields.items())
    return "\n".join(lines) + "\n"


@given(st.booleans(), _sections, st.booleans())
def test_random_structured_packs(header: bool, sections: list[tuple[str, dict[str, object]]], change: bool) -> None:
    _parse_answers_cleanly(_document(header, sections, change))


@given(st.data())
@settings(max_examples=60)
def test_garbled_real_pack_through_the_loader(data: st.DataObject) -> None:
    text = XIAN
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        start = data.draw(st.integers(min_value=0, max_value=len(text)))
        end = data.draw(st.integers(min_value=start, max_value=min(len(text), start + 20)))
        text = text[:start] + data.draw(st.text(max_size=6)) + text[end:]
    _load_answers_cleanly(text)


def test_the_shipped_directory_is_what_the_fuzz_starts_from() -> None:
    assert (PACKS_DIR / "xian.toml").read_text(encoding="utf-8") == XIAN
    _load_answers_cleanly(XIAN)
