"""Mapping a file's columns to a catalogue item's fields, with the personal-information rules.

Every column gets its verdict at once (unknown, forbidden, needing consent, duplicated), so a
clerk fixes a file in one round. The forbidden and consent-only topics are the catalogue's own
tables (`pubcredit.catalog.rules`), so a file cannot carry what an item could not define.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from pubcredit.catalog.fields import FieldSet, FieldSpec
from pubcredit.catalog.rules import CONSENT_PERSONAL_INFO, FORBIDDEN_PERSONAL_INFO, match_personal_info
from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.parsers.table import Row

# The column that carries the reference of the person's written consent (授权书编号), required
# in a file as soon as one column is consent-only (西安 第十四条；元宝山 第十二条). The first entry
# is the canonical name; the others are accepted spellings.
CONSENT_REF_HEADERS: tuple[str, ...] = ("consent_ref", "授权书编号", "书面同意书编号", "授权编号")
_CONSENT_REF_KEYS = {h.upper() for h in CONSENT_REF_HEADERS}


@dataclass(frozen=True)
class ColumnProblem:
    """Why one column (by its header in the file) cannot be taken; `kind` is machine-readable."""

    column: str
    kind: str  # unknown | forbidden | consent_ref_missing | duplicate | missing_required
    message: str


@dataclass
class HeaderMap:
    """The verdict on a file's header row against one item."""

    columns: dict[str, FieldSpec] = field(default_factory=dict)
    consent_columns: list[str] = field(default_factory=list)
    consent_ref_column: str | None = None
    problems: list[ColumnProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            raise FileRejected("；".join(p.message for p in self.problems), column=self.problems[0].column)

    def values_for(self, row: Row) -> dict[str, str]:
        """A row's non-empty values keyed by field name, ready for `FieldSet.parse`."""
        return {spec.name: row.values[h] for h, spec in self.columns.items() if row.values.get(h)}

    def consent_missing(self, row: Row) -> list[str]:
        """Consent-only columns filled in this row while the consent reference is empty."""
        if self.consent_ref_column is not None and row.values.get(self.consent_ref_column):
            return []
        return [h for h in self.consent_columns if row.values.get(h)]


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


def _as_spec(header: str) -> FieldSpec:
    """A stand-in spec so the catalogue's matcher can judge a bare header."""
    ascii_name = header if header.isascii() else "column"
    return FieldSpec(name=ascii_name, label=header, type="string", aliases=(header,))


def map_headers(headers: Sequence[str], field_set: FieldSet) -> HeaderMap:
    """Map each header to a field via `FieldSet.spec_for` (name, Chinese label or alias, old or new)."""
    by_nfkc = {_nfkc(h): spec for spec in field_set.specs for h in spec.headers()}
    result = HeaderMap()
    owner: dict[str, str] = {}
    for header in headers:
        spec = field_set.spec_for(header) or by_nfkc.get(_nfkc(header))
        forbidden = match_personal_info(_as_spec(header), FORBIDDEN_PERSONAL_INFO) or (
            match_personal_info(spec, FORBIDDEN_PERSONAL_INFO) if spec is not None else None
        )
        if forbidden is not None:
            result.problems.append(
                ColumnProblem(
                    header,
                    "forbidden",
                    f"列“{header}”涉及自然人的{forbidden.topic}信息，依{forbidden.article}禁止归集，请删除该列",
                )
            )
            continue
        if _nfkc(header) in _CONSENT_REF_KEYS and spec is None:
            if result.consent_ref_column is not None:
                result.problems.append(
                    ColumnProblem(
                        header,
                        "duplicate",
                        f"列“{header}”与列“{result.consent_ref_column}”都是{CONSENT_REF_HEADERS[1]}列，请只保留一列",
                    )
                )
                continue
            result.consent_ref_column = header
            continue
        if spec is None:
            result.problems.append(
                ColumnProblem(header, "unknown", f"列“{header}”不属于本目录项，无法对应到任何字段，请删除或改正列名")
            )
            continue
        if spec.name in owner:
            result.problems.append(
                ColumnProblem(
                    header,
                    "duplicate",
                    f"列“{header}”与列“{owner[spec.name]}”都对应字段“{spec.label}”（{spec.name}），请只保留一列",
                )
            )
            continue
        owner[spec.name] = header
        result.columns[header] = spec
        if spec.sensitivity == "consent" or match_personal_info(_as_spec(header), CONSENT_PERSONAL_INFO) is not None:
            result.consent_columns.append(header)
    if result.consent_columns and result.consent_ref_column is None:
        for header in result.consent_columns:
            rule = match_personal_info(_as_spec(header), CONSENT_PERSONAL_INFO) or match_personal_info(
                result.columns[header], CONSENT_PERSONAL_INFO
            )
            topic = rule.topic if rule is not None else "须本人书面同意的"
            article = rule.article if rule is not None else "西安 第十四条；元宝山 第十二条"
            result.problems.append(
                ColumnProblem(
                    header,
                    "consent_ref_missing",
                    f"列“{header}”涉及自然人的{topic}信息，依{article}须经本人书面同意方可归集，"
                    f"文件须同时含有“{CONSENT_REF_HEADERS[1]}”（{CONSENT_REF_HEADERS[0]}）列",
                )
            )
    for spec in field_set.specs:
        if spec.required and spec.name not in owner:
            result.problems.append(
                ColumnProblem(spec.label, "missing_required", f"缺少必填列“{spec.label}”（{spec.name}）")
            )
    return result
