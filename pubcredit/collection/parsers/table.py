"""What every reader hands back: the header list and the rows, streamed one at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pubcredit.collection.parsers.cells import clean_cell, clean_header, looks_like_formula
from pubcredit.collection.parsers.errors import FileRejected


@dataclass(frozen=True)
class CellProblem:
    """Why one row (or one of its cells) was refused; `column` is the header, or None for the row."""

    row: int
    column: str | None
    message: str


@dataclass(frozen=True)
class Row:
    """One data row; `number` is the line or row the clerk sees in the file (header row = 1).

    A row with problems is still handed out, so the caller can list every bad row of a file;
    refused cells are left out of `values`.
    """

    number: int
    values: dict[str, str]
    problems: tuple[CellProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            first = self.problems[0]
            raise FileRejected("；".join(p.message for p in self.problems), row=first.row, column=first.column)


class TableReader:
    """Headers read eagerly, rows lazily; iterate once."""

    def __init__(self, headers: list[str], rows: Iterator[Row], close: Callable[[], None] | None = None) -> None:
        self.headers = headers
        self._rows = rows
        self._close = close

    def __iter__(self) -> Iterator[Row]:
        try:
            yield from self._rows
        finally:
            self.close()

    def close(self) -> None:
        if self._close is not None:
            close, self._close = self._close, None
            close()


def normalise_headers(raw: list[str], where: int) -> list[str]:
    """Clean the header row: trailing blank columns dropped, blank or duplicate headers refused (all named)."""
    headers = [clean_header(h) for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise FileRejected(f"第 {where} 行的表头为空，文件没有可识别的列", row=where)
    blanks = [str(i) for i, h in enumerate(headers, start=1) if not h]
    if blanks:
        raise FileRejected(f"表头第 {'、'.join(blanks)} 列为空，请为每一列填写列名", row=where)
    seen: dict[str, str] = {}
    dupes: list[str] = []
    for h in headers:
        key = h.upper()
        if key in seen and h not in dupes:
            dupes.append(h)
        seen.setdefault(key, h)
    if dupes:
        raise FileRejected(f"表头重复：{'、'.join(f'“{d}”' for d in dupes)}，每一列的列名必须唯一", row=where)
    return headers


def _shown(raw: str) -> str:
    text = clean_cell(raw)
    return text if len(text) <= 20 else text[:20] + "…"


def build_row(number: int, headers: list[str], cells: Iterable[str]) -> Row | None:
    """One row from its raw cells; None for a row with nothing in it (blank lines are skipped)."""
    cells = list(cells)
    problems: list[CellProblem] = []
    values: dict[str, str] = {}
    for header, raw in zip(headers, cells, strict=False):
        if looks_like_formula(raw):
            problems.append(
                CellProblem(
                    number,
                    header,
                    f"第 {number} 行“{header}”列的值“{_shown(raw)}”以公式字符开头，"
                    "为防止公式注入不予接收，请去掉开头的 = + - @ 等字符",
                )
            )
            continue
        values[header] = clean_cell(raw)
    for header in headers[len(cells) :]:
        values[header] = ""
    extra = [clean_cell(c) for c in cells[len(headers) :]]
    if any(extra):
        problems.append(
            CellProblem(
                number,
                None,
                f"第 {number} 行有 {len(headers) + len(extra)} 个单元格，多于表头的 {len(headers)} 列",
            )
        )
    if not problems and not any(values.values()):
        return None
    return Row(number, values, tuple(problems))
