"""Subject names made comparable for search and de-duplication.

Providers type names by hand: full-width letters and brackets, stray spaces, "(北京)" against
"（北京）". `normalise_name` removes those differences and nothing else; `name_core` also drops
the legal-form suffix so that "某某科技有限公司" and "某某科技有限责任公司" meet on "某某科技".
"""

from __future__ import annotations

import unicodedata

_BRACKETS = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_DOTS = str.maketrans({"・": "·", "•": "·", "‧": "·", "･": "·"})

# Legal-form and branch suffixes (公司法, 合伙企业法, 个人独资企业法, 农民专业合作社法 and
# the usual bank branch names). Only forms, never words that can be part of a trade name.
# Longest first, so that 股份有限公司 is removed whole rather than leaving 股份.
ORGANISATION_FORM_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        [
            "股份有限公司",
            "有限责任公司",
            "有限公司",
            "股份公司",
            "集团公司",
            "总公司",
            "分公司",
            "公司",
            "集团",
            "(特殊普通合伙)",
            "(普通合伙)",
            "(有限合伙)",
            "合伙企业",
            "个人独资企业",
            "农民专业合作社",
            "专业合作社",
            "合作社",
            "分行",
            "支行",
        ],
        key=len,
        reverse=True,
    )
)


def _clean_once(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = text.translate(_BRACKETS).translate(_DOTS)
    if " " not in text and text.isprintable():
        # Nothing to drop: blanks other than U+0020 and format characters (Cf) are not printable.
        return text
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def normalise_name(name: str) -> str:
    """NFKC (full-width to half-width), one bracket style, no blanks or invisible characters.

    Repeated until stable because removing a blank can let NFKC compose two characters that
    were apart, and the result must be idempotent for stored values to match fresh queries.
    """
    text = _clean_once(name)
    while (again := _clean_once(text)) != text:  # stops: later passes only remove characters
        text = again
    return text


def name_core(name: str) -> str:
    """The normalised name without its legal-form suffixes; never empty for a non-empty name."""
    text = normalise_name(name)
    while True:
        suffix = next((s for s in ORGANISATION_FORM_SUFFIXES if text.endswith(s)), None)
        if suffix is None or len(suffix) == len(text):
            return text
        text = text[: -len(suffix)]
