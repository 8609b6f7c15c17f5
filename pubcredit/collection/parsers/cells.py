"""Cleaning of single cells and headers, and the defence against spreadsheet formula injection.

A value that a spreadsheet would execute when the data is later exported and opened
(`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, `@SUM(...)`) has no place in a credit record: it is
refused on input, and every export goes through `escape_for_spreadsheet` as a second line.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that are not whitespace to str.strip() but that editors leave around values.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"[+-]?\s*(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
_DATE_RE = re.compile(r"[+-]?\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_ACTIVE_RE = re.compile(r"[A-Za-z(|!=@]")


def clean_cell(value: str) -> str:
    """Strip ordinary, full-width (U+3000) and zero-width spaces from both ends."""
    return value.strip().strip(_INVISIBLE).strip()


def clean_header(value: str) -> str:
    """Headers compare in NFKC so that full-width letters and digits match the catalogue's names."""
    return clean_cell(unicodedata.normalize("NFKC", clean_cell(value)))


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet would treat the (raw or cleaned) value as a formula worth refusing.

    `=` and `@` always start a formula. A leading `+` or `-` is ordinary in numbers and dates
    (`-12.5`, `+86`), so only a value that also carries a function, reference or DDE sign
    (letters, `(`, `|`, `!`, `=`, `@`) is refused. Leading tab and CR are stripped before the
    test, so `"\\t=1+1"` is caught as `=1+1`.
    """
    text = clean_cell(value)
    if len(text) < 2 or not text.startswith(_FORMULA_START):
        return False
    if text[0] in "=@":
        return True
    if _NUMBER_RE.fullmatch(text) or _DATE_RE.fullmatch(text):
        return False
    return bool(_ACTIVE_RE.search(text[1:]))


def escape_for_spreadsheet(value: str) -> str:
    """Make a value inert for CSV/XLSX exports: a leading formula character gets a `'` before it."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value
