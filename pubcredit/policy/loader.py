"""Reading policy packs (TOML) into checked, typed `Pack` objects.

A pack with a typo must stop the platform at start-up rather than silently fall back to the
national value, so every problem is reported with the file and the key. The checks gather every
problem of a file (`pubcredit policy check` lists them all); `load_packs` raises on the first.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pubcredit.core.errors import ConfigurationError
from pubcredit.policy.params import Param, PolicyValue
from pubcredit.policy.schema import (
    BASELINE,
    CHANGE_FIELDS,
    HEADER_OPTIONAL,
    HEADER_REQUIRED,
    KEYS,
    PARAM_FIELDS,
    PLATFORM_DEFAULT,
    PREFIXES,
    KeySpec,
)

PACKS_DIR = Path(__file__).resolve().parent / "packs"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Entry:
    """One parameter as written in a pack (before layering)."""

    key: str
    value: PolicyValue
    article: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """Values a pack changes from a given day on (`[[changes]]`)."""

    starts: date
    note: str
    entries: Mapping[str, Entry]


@dataclass(frozen=True, slots=True)
class Pack:
    code: str
    name: str
    title: str
    path: Path
    extends: str | None
    effective_from: date | None
    effective_to: date | None
    effective_article: str
    effective_note: str
    source: str
    entries: Mapping[str, Entry]
    changes: tuple[Change, ...]

    def covers(self, day: date) -> bool:
        """Inclusive at both ends; an open end means the text states no such date."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return not (self.effective_to is not None and day > self.effective_to)

    def breakpoints(self) -> list[date]:
        """Days on which something in this pack starts or stops applying."""
        days = [change.starts for change in self.changes]
        if self.effective_from is not None:
            days.append(self.effective_from)
        if self.effective_to is not None and self.effective_to < date.max:
            days.append(self.effective_to + timedelta(days=1))
        return days


def display_path(path: Path) -> str:
    """The path as people know it: relative to the project when the file is inside it."""
    try:
        return path.resolve().relative_to(_PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _is_date(value: object) -> bool:
    # TOML local dates come back as `date`; a date-time is a `datetime`, itself a `date` subclass.
    return isinstance(value, date) and not isinstance(value, datetime)


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, list(KEYS), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Problems:
    """Collects the problems of one file, each already prefixed with the file's path."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(f"{self.shown}: {message}")


def _check_value(spec: KeySpec, raw: object) -> tuple[PolicyValue, str | None]:
    """The typed value, or None and the reason it is refused."""
    key = spec.key
    if spec.kind == "int":
        if type(raw) is not int or raw < 0:
            return None, f"key {key!r} must be {spec.describe_type()}, not {raw!r}"
        return raw, None
    if spec.kind == "bool":
        if type(raw) is not bool:
            return None, f"key {key!r} must be {spec.describe_type()}, not {raw!r}"
        return raw, None
    allowed = ", ".join(repr(c) for c in spec.choices)
    if spec.kind == "enum":
        if not isinstance(raw, str):
            return None, f"key {key!r} must be {spec.describe_type()}, not {raw!r}"
        if raw not in spec.choices:
            return None, f"key {key!r} has unknown value {raw!r}; allowed: {allowed}"
        return raw, None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return None, f"key {key!r} must be {spec.describe_type()}, not {raw!r}"
    for item in raw:
        if item not in spec.choices:
            return None, f"key {key!r} has unknown value {item!r}; allowed: {allowed}"
    if len(set(raw)) != len(raw):
        return None, f"key {key!r} lists a value twice: {raw!r}"
    return list(raw), None


def _entry(key: str, raw: object, problems: _Problems, where: str) -> Entry | None:
    spec = KEYS[key]
    if not isinstance(raw, dict):
        problems.add(f"key {key!r}{where} must be a table with 'value' and 'article', e.g. [{key}]")
        return None
    ok = True
    for name in raw:
        if name not in PARAM_FIELDS:
            problems.add(f"key {key!r}{where} has unknown field {name!r} (allowed: {', '.join(PARAM_FIELDS)})")
            ok = False
    article = raw.get("article")
    if not isinstance(article, str) or not article.strip():
        problems.add(f'key {key!r}{where} has no article (cite it, e.g. article = "西安 第三十条")')
        ok = False
    note = raw.get("note", "")
    if not isinstance(note, str):
        problems.add(f"key {key!r}{where} has a note that is not text")
        ok = False
    unset = raw.get("unset", False)
    value: PolicyValue = None
    if type(unset) is not bool:
        problems.add(f"key {key!r}{where} must have unset = true or no unset at all, not {unset!r}")
        ok = False
    elif unset:
        if not spec.nullable:
            problems.add(f"key {key!r}{where} cannot be unset; it must be {spec.describe_type()}")
            ok = False
        if "value" in raw:
            problems.add(f"key {key!r}{where} has both a value and unset = true")
            ok = False
    elif "value" not in raw:
        hint = " or unset = true" if spec.nullable else ""
        problems.add(f"key {key!r}{where} has no value (give value = ...{hint})")
        ok = False
    else:
        value, reason = _check_value(spec, raw["value"])
        if reason is not None:
            problems.add(reason + where)
            ok = False
    if ok and article == PLATFORM_DEFAULT and not (isinstance(note, str) and note.strip()):
        problems.add(f'key {key!r}{where} uses article "{PLATFORM_DEFAULT}" without a note saying why')
        ok = False
    if not ok:
        return None
    assert isinstance(article, str) and isinstance(note, str)
    return Entry(key=key, value=value, article=article.strip(), note=note.strip())


def _unknown_leaves(prefix: str, table: dict[str, Any]) -> list[str]:
    """Full dotted names under an unknown table, so the message names the parameter, not a fragment."""
    # A stack, not recursion: `[a.a.a...]` thousands of levels deep is valid TOML.
    leaves: list[str] = []
    stack: list[tuple[str, object]] = [(prefix, table)]
    while stack:
        name, item = stack.pop()
        if not isinstance(item, dict) or not item or any(field in PARAM_FIELDS for field in item):
            leaves.append(name)
            continue
        stack.extend(reversed([(f"{name}.{child}", value) for child, value in item.items()]))
    return leaves


def _collect(
    table: dict[str, Any], prefix: str, problems: _Problems, where: str, out: dict[str, Entry], seen: set[str]
) -> None:
    for name, item in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if key in KEYS:
            seen.add(key)
            entry = _entry(key, item, problems, where)
            if entry is not None:
                out[key] = entry
        elif key in PREFIXES and isinstance(item, dict):
            _collect(item, key, problems, where, out, seen)
        elif key in PREFIXES:
            problems.add(f"key {key!r}{where} must be a table of parameters, not {item!r}")
        else:
            leaves = _unknown_leaves(key, item) if isinstance(item, dict) else [key]
            for leaf in leaves:
                problems.add(f"unknown key {leaf!r}{where}{_suggest(leaf)}")


def _header(raw: object, path: Path, problems: _Problems) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.add("missing [pack] header (code, name, title, ...)")
        return None
    ok = True
    for name in raw:
        if name not in HEADER_REQUIRED + HEADER_OPTIONAL:
            allowed = ", ".join(HEADER_REQUIRED + HEADER_OPTIONAL)
            problems.add(f"unknown key 'pack.{name}' (allowed in [pack]: {allowed})")
            ok = False
    for name in HEADER_REQUIRED:
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            problems.add(f"key 'pack.{name}' is missing or not text")
            ok = False
    for name in ("extends", "effective_article", "effective_note", "source"):
        if name in raw and not isinstance(raw[name], str):
            problems.add(f"key 'pack.{name}' must be text, not {raw[name]!r}")
            ok = False
    for name in ("effective_from", "effective_to"):
        if name in raw and not _is_date(raw[name]):
            problems.add(f"key 'pack.{name}' must be a date such as 2016-08-01, not {raw[name]!r}")
            ok = False
    if not ok:
        return None
    if raw["code"] != path.stem:
        problems.add(f"key 'pack.code' is {raw['code']!r} but the file is named {path.name!r}")
        return None
    start, end = raw.get("effective_from"), raw.get("effective_to")
    if start is not None and end is not None and end < start:
        problems.add(f"key 'pack.effective_to' ({end}) is before effective_from ({start})")
        return None
    if raw["code"] == BASELINE:
        for name in ("extends", "effective_from", "effective_to"):
            if name in raw:
                problems.add(f"key 'pack.{name}' is not allowed in the national baseline, which covers every date")
                return None
    elif raw.get("extends") != BASELINE:
        problems.add(f"key 'pack.extends' must be {BASELINE!r}, not {raw.get('extends')!r}")
        return None
    return raw


def _changes(raw: object, header: dict[str, Any] | None, problems: _Problems) -> list[Change]:
    if not isinstance(raw, list):
        problems.add("key 'changes' must be an array of tables: [[changes]] with from = YYYY-MM-DD")
        return []
    changes: list[Change] = []
    seen: set[date] = set()
    for index, item in enumerate(raw, start=1):
        label = f" in [[changes]] #{index}"
        if not isinstance(item, dict):
            problems.add(f"[[changes]] #{index} must be a table")
            continue
        starts = item.get("from")
        if not _is_date(starts):
            problems.add(f"key 'changes.from'{label} must be a date such as 2026-04-01, not {starts!r}")
            continue
        assert isinstance(starts, date)
        label = f" in [[changes]] from {starts.isoformat()}"
        if starts in seen:
            problems.add(f"key 'changes.from'{label} appears twice; put both changes in one [[changes]]")
        seen.add(starts)
        if header is not None and not _within(header, starts):
            problems.add(f"key 'changes.from'{label} is outside the pack's effective dates")
        note = item.get("note", "")
        if not isinstance(note, str):
            problems.add(f"key 'changes.note'{label} must be text")
            note = ""
        entries: dict[str, Entry] = {}
        params = {name: value for name, value in item.items() if name not in CHANGE_FIELDS}
        if not params:
            problems.add(f"[[changes]] from {starts.isoformat()} changes no key")
        _collect(params, "", problems, label, entries, set())
        changes.append(Change(starts=starts, note=note.strip(), entries=entries))
    return sorted(changes, key=lambda change: change.starts)


def _within(header: dict[str, Any], day: date) -> bool:
    start, end = header.get("effective_from"), header.get("effective_to")
    return (start is None or day >= start) and (end is None or day <= end)


def parse_pack(text: str, path: Path) -> tuple[Pack | None, list[str]]:
    """Parse one pack's text; returns the pack (None when anything is wrong) and every problem."""
    problems = _Problems(display_path(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.add(f"not valid TOML: {exc}")
        return None, problems.items
    except RecursionError:
        problems.add("not valid TOML for a pack: arrays or inline tables nested too deeply")
        return None, problems.items
    header = _header(data.get("pack"), path, problems)
    entries: dict[str, Entry] = {}
    params = {name: value for name, value in data.items() if name not in ("pack", "changes")}
    seen: set[str] = set()
    _collect(params, "", problems, "", entries, seen)
    changes = _changes(data["changes"], header, problems) if "changes" in data else []
    if header is not None and header["code"] == BASELINE:
        for key in KEYS:
            if key not in seen:
                problems.add(f"missing key {key!r}: national must set every key (unset = true for no rule)")
    if problems.items or header is None:
        return None, problems.items
    pack = Pack(
        code=header["code"],
        name=header["name"].strip(),
        title=header["title"].strip(),
        path=path,
        extends=header.get("extends"),
        effective_from=header.get("effective_from"),
        effective_to=header.get("effective_to"),
        effective_article=header.get("effective_article", "").strip(),
        effective_note=header.get("effective_note", "").strip(),
        source=header.get("source", "").strip(),
        entries=entries,
        changes=tuple(changes),
    )
    return pack, []


def read_pack(path: Path) -> tuple[Pack | None, list[str]]:
    try:
        # Windows editors save UTF-8 with a byte-order mark; TOML itself would call it an invalid statement.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [f"{display_path(path)}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
    except OSError as exc:
        return None, [f"{display_path(path)}: cannot be read ({exc.strerror})"]
    return parse_pack(text, path)


@dataclass(frozen=True)
class PackSet:
    """Every pack of one directory, checked together; resolved values are cached per date segment."""

    directory: Path
    packs: Mapping[str, Pack]
    resolved: dict[tuple[str, date], tuple[Mapping[str, Param], bool]] = field(
        default_factory=dict, compare=False, repr=False
    )
    breaks: dict[str, list[date]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def codes(self) -> list[str]:
        return sorted(self.packs)

    def get(self, code: str, *, from_setting: bool = False) -> Pack:
        try:
            return self.packs[code]
        except KeyError:
            origin = " (PUBCREDIT_POLICY)" if from_setting else ""
            raise ConfigurationError(
                f"Unknown policy pack {code!r}{origin}; available: {', '.join(self.codes)}"
            ) from None


def check_packs(directory: Path | None = None) -> tuple[dict[str, Pack], list[str]]:
    """Every valid pack and every problem of a directory, without stopping at the first."""
    folder = (directory or PACKS_DIR).resolve()
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not any(path.stem == BASELINE for path in files):
        return {}, [f"{display_path(folder)}: no {BASELINE}.toml, the baseline every pack extends"]
    packs: dict[str, Pack] = {}
    problems: list[str] = []
    for path in files:
        pack, found = read_pack(path)
        problems.extend(found)
        if pack is not None:
            packs[pack.code] = pack
    return packs, problems


@functools.lru_cache(maxsize=16)
def _load(folder: Path) -> PackSet:
    packs, problems = check_packs(folder)
    if problems:
        more = f" (and {len(problems) - 1} more; run `pubcredit policy check`)" if len(problems) > 1 else ""
        raise ConfigurationError(problems[0] + more)
    return PackSet(directory=folder, packs=packs)


def load_packs(directory: Path | None = None) -> PackSet:
    """All packs of the directory (default: the packs shipped with the platform), parsed once."""
    # PACKS_DIR is already absolute; resolving a path costs system calls on every hot-path read.
    return _load(PACKS_DIR if directory is None else directory.resolve())


def clear_cache() -> None:
    """Forget parsed packs, e.g. after a test rewrote a pack file."""
    _load.cache_clear()
