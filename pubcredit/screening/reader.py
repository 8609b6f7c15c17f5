"""Reading an uploaded screening list with the platform's hardened table readers.

`pubcredit.collection.parsers.open_table` does the work (GBK and BOM in CSV, formula cells,
zip bombs, forged row numbers); this module only finds the name, USCC and ID-number columns and
turns each row into an `InputRow`. A file without any of them is refused naming the headers found.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from pubcredit.collection.parsers import FileRejected, open_table
from pubcredit.collection.parsers.table import Row
from pubcredit.screening.matching import InputRow

NAME_HEADERS = ("名称", "单位名称", "企业名称", "主体名称", "姓名")
CODE_HEADERS = ("统一社会信用代码", "信用代码")
ID_HEADERS = ("身份证号码", "身份证号")
# Platform limit of the issue: bid and grant lists stay well below it.
MAX_ROWS = 100_000
MAX_FILE_BYTES = 30 * 1024 * 1024


def _key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip()


@dataclass(frozen=True)
class Columns:
    name: str | None
    code: str | None
    id_number: str | None


def find_columns(headers: list[str]) -> Columns:
    """The first header of each kind; FileRejected naming the headers found when there is none."""

    def first(accepted: tuple[str, ...]) -> str | None:
        return next((h for h in headers if _key(h) in accepted), None)

    columns = Columns(first(NAME_HEADERS), first(CODE_HEADERS), first(ID_HEADERS))
    if columns.name is None and columns.code is None and columns.id_number is None:
        found = "、".join(f"“{h}”" for h in headers[:20]) or "（无）"
        raise FileRejected(
            "文件中没有可识别的列：须含有“名称”（或“单位名称”“企业名称”“主体名称”）、“统一社会信用代码”"
            f"（或“信用代码”）或“身份证号码”列之一；文件的表头为：{found}"
        )
    return columns


def _input_row(row: Row, columns: Columns) -> InputRow:
    wanted = {c for c in (columns.name, columns.code, columns.id_number) if c is not None}
    problems = tuple(p.message for p in row.problems if p.column is None or p.column in wanted)

    def value(column: str | None) -> str:
        return row.values.get(column, "") if column is not None else ""

    return InputRow(
        number=row.number,
        name=value(columns.name),
        code=value(columns.code),
        id_number=value(columns.id_number),
        problems=problems,
    )


def read_rows(file_name: str, content: bytes, *, limit: int | None = None) -> Iterator[InputRow]:
    """The rows of the file in order; FileRejected for an unreadable file or beyond MAX_ROWS rows.

    With `limit`, stops after `limit` rows (the caller asks for one more than it would run inline).
    """
    if len(content) > MAX_FILE_BYTES:
        raise FileRejected(
            f"文件“{file_name}”大小 {len(content) // (1024 * 1024)} MB，超过上限 {MAX_FILE_BYTES // (1024 * 1024)} MB"
        )
    table = open_table(file_name, io.BytesIO(content))
    try:
        columns = find_columns(table.headers)
        for count, row in enumerate(table, start=1):
            if count > MAX_ROWS:
                raise FileRejected(f"文件“{file_name}”超过 {MAX_ROWS} 行，请拆分后分批上传")
            yield _input_row(row, columns)
            if limit is not None and count >= limit:
                return
    finally:
        table.close()
