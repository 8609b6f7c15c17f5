"""Rows as plain cell lists, for loading large files fast.

`read_csv` hands out one `Row` with a dict per line, which is what a page showing a few rows
needs; a million-row 双公示 export needs less per row. Here the decoding and line splitting run in
C (`io.TextIOWrapper` and `csv.reader`), control characters are looked for once per megabyte of
raw bytes, and a row goes through the cell-by-cell cleaning of `build_row` only when one regular
expression over the whole row finds something to clean or refuse (surrounding blanks, a formula
character, a stray cell). The verdicts and messages are therefore the same as `read_csv`'s.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pubcredit.collection.parsers.csv_reader import MAX_LINE_CHARS, PREFIX_BYTES, _csv_reason, _detect
from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.parsers.opening import table_format
from pubcredit.collection.parsers.table import CellProblem, build_row, normalise_headers
from pubcredit.collection.parsers.xlsx_reader import ZipLimits, read_xlsx

_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEP = "\x00"  # never inside a cell: control characters are refused, and it is not \s
_BLANKS = r"\s\u3000\ufeff\u200b\u200c\u200d\u2060"
# Over the row joined and bracketed by the separator: a cell that starts with a formula character
# or a blank, or ends with a blank. A literal first character lets the engine jump between cells.
_SCREEN = re.compile(rf"{_SEP}(?:[=+\-@{_BLANKS}]|(?<=[{_BLANKS}]{_SEP}))")
_READ_BYTES = 1024 * 1024

CellRow = tuple[int, list[str], tuple[CellProblem, ...]]


@dataclass
class CellTable:
    """Cleaned header names and an iterator of (row number, cells by header position, problems)."""

    headers: list[str]
    rows: Iterator[CellRow]
    close: Callable[[], None]


class _CheckedStream(io.RawIOBase):
    """The upload as a raw stream that refuses control characters, naming their line."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._pending = prefix
        self._rest = rest
        self._lines_before = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._pending or self._rest.read(min(len(buffer), _READ_BYTES))
        self._pending = b""
        if not chunk:
            return 0
        if len(chunk) > len(buffer):
            chunk, self._pending = chunk[: len(buffer)], chunk[len(buffer) :]
        bad = _CONTROL_BYTES.search(chunk)
        if bad is not None:
            line = self._lines_before + chunk.count(b"\n", 0, bad.start()) + 1
            raise FileRejected(f"文件第 {line} 行含有控制字符，不是文本表格（是否上传了二进制文件？）", row=line)
        self._lines_before += chunk.count(b"\n")
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _bounded_lines(text: io.TextIOWrapper) -> Iterator[str]:
    """Physical lines of at most `MAX_LINE_CHARS`, as in `read_csv`: a file without line ends is
    refused after a megabyte instead of being read whole into one line."""
    readline = text.readline
    number = 0
    while True:
        line = readline(MAX_LINE_CHARS + 2)
        if not line:
            return
        number += 1
        if len(line) - line.endswith("\n") > MAX_LINE_CHARS:
            raise FileRejected(f"文件第 {number} 行超过 {MAX_LINE_CHARS} 个字符，不是可接收的表格文件", row=number)
        yield line


def csv_cells(stream: BinaryIO, *, delimiter: str = ",") -> CellTable:
    """A CSV (UTF-8 with or without BOM, or GB18030/GBK) as cell rows; headers are read now."""
    prefix = stream.read(PREFIX_BYTES)
    encoding = _detect(prefix)
    raw = io.BufferedReader(_CheckedStream(prefix, stream), buffer_size=_READ_BYTES)
    # Lines end at LF only, as in `read_csv`: a lone CR in an unquoted cell is refused, not a new row.
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="\n")
    reader = csv.reader(_bounded_lines(text), delimiter=delimiter, strict=True)
    csv.field_size_limit(MAX_LINE_CHARS)

    def next_record() -> tuple[int, list[str]] | None:
        start = reader.line_num + 1
        try:
            return start, next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise FileRejected(
                f"文件第 {start} 行格式错误：{_csv_reason(exc)}，请检查引号和分隔符", row=start
            ) from None
        except UnicodeDecodeError:
            raise FileRejected(
                f"文件第 {start} 行附近含有无法按 {encoding} 解码的字节，文件可能混用了编码或已损坏，"
                "请统一另存为“CSV UTF-8”后重新上传",
                row=start,
            ) from None

    while True:
        got = next_record()
        if got is None:
            text.close()
            raise FileRejected("文件为空：没有找到表头行")
        if any(cell.strip() for cell in got[1]):
            break
    headers = normalise_headers(got[1], got[0])
    width = len(headers)
    screen = _SCREEN.search

    def rows() -> Iterator[CellRow]:
        try:
            while True:
                got = next_record()
                if got is None:
                    return
                number, cells = got
                joined = _SEP + _SEP.join(cells) + _SEP
                if len(cells) <= width and screen(joined) is None:
                    if len(joined) > max(len(cells), 1) + 1:  # not every cell empty (nor a blank line)
                        yield number, cells if len(cells) == width else cells + [""] * (width - len(cells)), ()
                    continue
                row = build_row(number, headers, cells)
                if row is not None:
                    yield number, [row.values.get(h, "") for h in headers], row.problems
        finally:
            text.close()

    return CellTable(headers, rows(), text.close)


def xlsx_cells(stream: BinaryIO, *, limits: ZipLimits | None = None) -> CellTable:
    table = read_xlsx(stream, limits=limits)
    headers = table.headers

    def rows() -> Iterator[CellRow]:
        for row in table:
            yield row.number, [row.values.get(h, "") for h in headers], row.problems

    return CellTable(headers, rows(), table.close)


def open_cells(filename: str, stream: BinaryIO, *, limits: ZipLimits | None = None) -> CellTable:
    """Cell rows of an upload according to its suffix; the same formats and refusals as `open_table`."""
    delimiter = table_format(filename)
    return xlsx_cells(stream, limits=limits) if delimiter is None else csv_cells(stream, delimiter=delimiter)
