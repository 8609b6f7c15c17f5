"""Streaming XLSX reader (first sheet), with a zip-bomb guard run before anything is decompressed.

An XLSX is a zip archive; a few kilobytes can declare gigabytes of XML. The central directory
is read (it holds every member's declared sizes, and Python's zip reader never inflates past
the declared size) and the file is refused if the total or the compression ratio is beyond the
limits, before openpyxl touches it.

Real formula cells are read as their cached results (`data_only`); the formula text itself is
never taken. Text cells that start like a formula are refused per cell, as in CSV.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.parsers.table import CellProblem, Row, TableReader, build_row, normalise_headers

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# What a damaged archive or workbook can raise from the zip, inflate and XML layers.
_CORRUPT: tuple[type[BaseException], ...] = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    SyntaxError,
)
# Excel's own limit; a row numbered beyond it is forged, and openpyxl would hand out every empty
# row before it (a 1 KB file declaring row 2,000,000,000 would keep a worker busy for hours).
MAX_ROWS = 1_048_576
_ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


@dataclass(frozen=True)
class ZipLimits:
    """How much an uploaded XLSX may expand: total bytes, ratio, number of members."""

    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: float = 100.0
    max_members: int = 10_000


def _sniff(source: str | Path | IO[bytes]) -> bytes:
    if isinstance(source, str | Path):
        with open(source, "rb") as fh:
            return fh.read(8)
    pos = source.tell()
    head = source.read(8)
    source.seek(pos)
    return head


def check_zip(source: str | Path | IO[bytes], limits: ZipLimits) -> None:
    """Refuse what is not a zip, and any zip that would expand beyond `limits`."""
    head = _sniff(source)
    if head.startswith(_OLE2_MAGIC):
        raise FileRejected("文件是旧版 Excel 97-2003（.xls）格式，不予接收，请在 Excel 中另存为 .xlsx 后重新上传")
    if not head.startswith(_ZIP_MAGIC):
        raise FileRejected("文件不是有效的 Excel（.xlsx）文件，请确认文件格式后重新上传")
    try:
        with zipfile.ZipFile(source) as zf:
            members = zf.infolist()
    except _CORRUPT:
        raise FileRejected("文件不是有效的 Excel（.xlsx）文件：压缩结构已损坏") from None
    finally:
        if not isinstance(source, str | Path):
            source.seek(0)
    if len(members) > limits.max_members:
        raise FileRejected(f"文件内含 {len(members)} 个部件，超过上限 {limits.max_members}，不予接收")
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > limits.max_uncompressed:
        raise FileRejected(
            f"文件解压后约 {total // (1024 * 1024)} MB，超过上限 {limits.max_uncompressed // (1024 * 1024)} MB，"
            "疑似压缩炸弹，不予接收；数据量大时请拆分为多个文件"
        )
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise FileRejected(
                f"文件中的部件“{m.filename}”压缩比为 {ratio:.0f}，超过上限 {limits.max_ratio:.0f}，"
                "疑似压缩炸弹，不予接收"
            )
    if total > 1024 * 1024 and total / max(packed, 1) > limits.max_ratio:
        raise FileRejected(
            f"文件整体压缩比为 {total / max(packed, 1):.0f}，超过上限 {limits.max_ratio:.0f}，疑似压缩炸弹，不予接收"
        )


def cell_text(value: Any) -> str:
    """The canonical text of a cell: ISO dates, integers without `.0`, exact decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _with_error_cells(row: Row, headers: list[str], texts: list[str]) -> Row:
    """Spreadsheet error values (`#DIV/0!`) are results of broken formulas, never data."""
    errors = [h for h, t in zip(headers, texts, strict=False) if t in _ERROR_VALUES]
    if not errors:
        return row
    extra = tuple(CellProblem(row.number, h, f"第 {row.number} 行“{h}”列是公式错误值，请改为实际数据") for h in errors)
    values = {k: v for k, v in row.values.items() if k not in errors}
    return Row(row.number, values, row.problems + extra)


def _check_row_number(number: int) -> None:
    if number > MAX_ROWS:
        raise FileRejected(
            f"Excel 文件的第一个工作表超过 {MAX_ROWS} 行（Excel 的最大行数），文件已损坏或被篡改，不予接收",
            row=number,
        )


def read_xlsx(source: str | Path | IO[bytes], *, limits: ZipLimits | None = None) -> TableReader:
    """Open the first sheet of an XLSX; headers are the first non-blank row, rows come on iteration."""
    check_zip(source, limits or ZipLimits())
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except _CORRUPT:
        raise FileRejected("文件不是有效的 Excel（.xlsx）文件：缺少工作簿内容或已损坏") from None
    try:
        if not workbook.worksheets:
            raise FileRejected("Excel 文件中没有工作表")
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # the stored dimension is often wrong; read what is there
        source_rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        header_row = 0
        raw_header: list[str] = []
        for number, values in source_rows:
            _check_row_number(number)
            texts = [cell_text(v) for v in values]
            if any(t.strip() for t in texts):
                header_row, raw_header = number, texts
                break
        else:
            raise FileRejected("Excel 文件的第一个工作表为空：没有找到表头行")
        headers = normalise_headers(raw_header, header_row)
    except FileRejected:
        workbook.close()
        raise
    except _CORRUPT:
        workbook.close()
        raise FileRejected("Excel 文件内容已损坏，无法读取") from None

    def rows() -> Iterator[Row]:
        try:
            for number, values in source_rows:
                _check_row_number(number)
                texts = [cell_text(v) for v in values]
                row = build_row(number, headers, texts)
                if row is None:
                    continue
                yield _with_error_cells(row, headers, texts)
        except _CORRUPT:
            raise FileRejected("Excel 文件内容已损坏，无法读取") from None

    return TableReader(headers, rows(), close=workbook.close)
