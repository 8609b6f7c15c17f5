"""Choosing the reader by the uploaded file's name, the one decision an upload view needs."""

from __future__ import annotations

from pathlib import PurePath
from typing import BinaryIO

from pubcredit.collection.parsers.csv_reader import read_csv
from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.parsers.table import TableReader
from pubcredit.collection.parsers.xlsx_reader import ZipLimits, read_xlsx

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


def table_format(filename: str) -> str | None:
    """The CSV delimiter for a text table, or None for XLSX; refuses other suffixes with the reason."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return ","
    if suffix == ".tsv":
        return "\t"
    if suffix == ".xlsx":
        return None
    if suffix == ".xls":
        raise FileRejected("不接收旧版 Excel 97-2003（.xls）文件，请在 Excel 中另存为 .xlsx 后重新上传")
    raise FileRejected(f"文件“{filename}”的类型“{suffix or '无扩展名'}”不受支持，请上传 {'、'.join(SUFFIXES)} 文件")


def open_table(filename: str, stream: BinaryIO, *, limits: ZipLimits | None = None) -> TableReader:
    """A reader for `stream` according to the suffix of `filename` (.csv/.txt, .tsv, .xlsx)."""
    delimiter = table_format(filename)
    return read_xlsx(stream, limits=limits) if delimiter is None else read_csv(stream, delimiter=delimiter)
