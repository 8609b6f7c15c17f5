"""Streaming CSV reader for providers' files, in UTF-8 (with or without BOM) or GB18030/GBK.

Chinese offices still save CSV from Excel in GBK; the encoding is decided on a prefix so the
file is never held in memory, and a byte sequence valid in neither encoding is refused, not
guessed at.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from typing import BinaryIO

from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.parsers.table import Row, TableReader, build_row, normalise_headers

PREFIX_BYTES = 64 * 1024
CHUNK_BYTES = 64 * 1024
MAX_LINE_CHARS = 1024 * 1024
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GB18030/GBK"}


def _detect(prefix: bytes) -> str:
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(prefix, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")("strict").decode(prefix, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise FileRejected(
            "文件编码无法识别：既不是 UTF-8 也不是 GB18030/GBK 编码的文本，请在 Excel 中另存为“CSV UTF-8”后重新上传"
        ) from None


def _text_lines(stream: BinaryIO, prefix: bytes, encoding: str) -> Iterator[tuple[int, str]]:
    """Physical lines with their numbers, newline kept so the csv module can join quoted fields."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    buffer = ""
    number = 0
    chunk = prefix
    while True:
        final = not chunk
        try:
            buffer += decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            # A newline byte is never part of a multi-byte character in either encoding.
            bad_line = number + chunk[: max(exc.start, 0)].count(b"\n") + 1
            raise FileRejected(
                f"文件第 {bad_line} 行含有不是 {_ENCODING_NAMES[encoding]} 编码的字节，"
                "文件可能混用了编码或已损坏，请统一另存为“CSV UTF-8”后重新上传",
                row=bad_line,
            ) from None
        start = 0
        while True:
            end = buffer.find("\n", start)
            if end < 0:
                break
            number += 1
            yield number, buffer[start : end + 1]
            start = end + 1
        buffer = buffer[start:]
        if len(buffer) > MAX_LINE_CHARS:
            raise FileRejected(
                f"文件第 {number + 1} 行超过 {MAX_LINE_CHARS} 个字符，不是可接收的表格文件", row=number + 1
            )
        if final:
            break
        chunk = stream.read(CHUNK_BYTES)
    if buffer:
        yield number + 1, buffer


def _checked(lines: Iterator[tuple[int, str]], state: list[int]) -> Iterator[str]:
    for number, line in lines:
        if _CONTROL_RE.search(line):
            raise FileRejected(f"文件第 {number} 行含有控制字符，不是文本表格（是否上传了二进制文件？）", row=number)
        state[0] = number
        yield line


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"单元格超过 {csv.field_size_limit()} 个字符"
    if "unexpected end of data" in text or "EOF" in text:
        return "引号未闭合"
    if "new-line character" in text:
        return "未加引号的单元格中含有回车符"
    if "expected after" in text:
        return "引号结束后缺少分隔符"
    return "无法按 CSV 规则解析"


def read_csv(stream: BinaryIO, *, delimiter: str = ",") -> TableReader:
    """Open a CSV (or, with `delimiter="\\t"`, a TSV) stream; headers are read now, rows on iteration.

    Row numbers are physical line numbers, so blank lines count as the clerk sees them; a quoted
    value spanning several lines takes the number of the line it starts on.
    """
    prefix = stream.read(PREFIX_BYTES)
    encoding = _detect(prefix)
    state = [0]
    lines = _checked(_text_lines(stream, prefix, encoding), state)
    records = csv.reader(lines, delimiter=delimiter, strict=True)

    def next_record() -> tuple[int, list[str]] | None:
        start = state[0] + 1
        try:
            record = next(records)
        except StopIteration:
            return None
        except csv.Error as exc:
            reason = _csv_reason(exc)
            raise FileRejected(f"文件第 {start} 行格式错误：{reason}，请检查引号和分隔符", row=start) from None
        return start, record

    header_line = 0
    header: list[str] = []
    while True:
        got = next_record()
        if got is None:
            raise FileRejected("文件为空：没有找到表头行")
        header_line, header = got
        if any(cell.strip() for cell in header):
            break
    headers = normalise_headers(header, header_line)

    def rows() -> Iterator[Row]:
        while True:
            got = next_record()
            if got is None:
                return
            row = build_row(got[0], headers, got[1])
            if row is not None:
                yield row

    return TableReader(headers, rows())
