import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pubcredit.collection.parsers import FileRejected, ZipLimits, map_headers, read_xlsx
from pubcredit.collection.parsers.xlsx_reader import cell_text


def _xlsx(rows, path=None):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if path is not None:
        path.write_bytes(data)
        return path
    return io.BytesIO(data)


def test_dates_and_numbers_become_canonical_text(tmp_path, cf_set):
    path = _xlsx(
        [
            ["CF_WSH", "CF_JDRQ", "CF_NR_FK", "案件名称", "CF_XDR_SHXYM", "备注"],
            ["文号1", dt.datetime(2024, 5, 1), 3.0, 12, "91350100M000100Y43", True],
            ["文号2", dt.date(2024, 12, 31), 0.1, -12.5, None, dt.datetime(2024, 5, 1, 8, 30)],
        ],
        tmp_path / "cf.xlsx",
    )
    reader = read_xlsx(path)
    assert reader.headers == ["CF_WSH", "CF_JDRQ", "CF_NR_FK", "案件名称", "CF_XDR_SHXYM", "备注"]
    rows = list(reader)
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values == {
        "CF_WSH": "文号1",
        "CF_JDRQ": "2024-05-01",
        "CF_NR_FK": "3",
        "案件名称": "12",
        "CF_XDR_SHXYM": "91350100M000100Y43",
        "备注": "是",
    }
    assert rows[1].values["CF_JDRQ"] == "2024-12-31"
    assert rows[1].values["CF_NR_FK"] == "0.1"
    assert rows[1].values["案件名称"] == "-12.5"
    assert rows[1].values["CF_XDR_SHXYM"] == ""
    assert rows[1].values["备注"] == "2024-05-01 08:30:00"
    mapped = map_headers(reader.headers, cf_set)
    expected = ["CF_WSH", "CF_JDRQ", "CF_NR_FK", "CF_AJMC", "CF_XDR_SHXYM", "BZ"]
    assert [s.name for s in mapped.columns.values()] == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e20, "100000000000000000000"), (1.25e-7, "0.000000125"), (Decimal("1.50"), "1.50"), (dt.time(8, 5), "08:05:00")],
)
def test_cell_text_canonical_forms(value, text):
    assert cell_text(value) == text


def test_blank_rows_skipped_and_row_numbers_kept():
    reader = read_xlsx(_xlsx([["a", "b"], [None, None], ["1", "2"], [], ["\u3000", " "], ["3", "4"]]))
    assert [(r.number, r.values) for r in reader] == [(3, {"a": "1", "b": "2"}), (6, {"a": "3", "b": "4"})]


def test_header_row_after_blank_rows_and_nfkc():
    reader = read_xlsx(_xlsx([[], ["\u3000ＣＦ＿ＷＳＨ", "名称"], ["x", "y"]]))
    assert reader.headers == ["CF_WSH", "名称"]
    assert [r.number for r in reader] == [3]


def test_duplicate_headers_refused():
    with pytest.raises(FileRejected, match="表头重复：“名称”"):
        read_xlsx(_xlsx([["名称", "CF_WSH", "名称 "]]))


def test_formula_text_and_error_values_refused_naming_row_and_column():
    wb = Workbook()
    ws = wb.active
    ws.append(["CF_WSH", "备注"])
    ws.append(["=cmd|' /C calc'!A0", "#DIV/0!"])
    ws["A2"].data_type = "s"  # stored as text, as a pasted or exported value would be
    ws.append(["A", "-5"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    reader = read_xlsx(out)
    rows = list(reader)
    assert {(p.row, p.column) for p in rows[0].problems} == {(2, "CF_WSH"), (2, "备注")}
    assert rows[0].values == {}
    assert rows[1].ok and rows[1].values == {"CF_WSH": "A", "备注": "-5"}


def test_extra_cells_beyond_headers_refused():
    rows = list(read_xlsx(_xlsx([["a", "b"], ["1", "2", "3"]])))
    assert "第 2 行有 3 个单元格" in rows[0].problems[0].message


def test_empty_workbook_refused():
    with pytest.raises(FileRejected, match="为空"):
        read_xlsx(_xlsx([]))


def test_not_a_zip_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes("名称,文号\n甲,1\n".encode())
    with pytest.raises(FileRejected, match="不是有效的 Excel"):
        read_xlsx(path)


def test_old_xls_refused_with_advice():
    with pytest.raises(FileRejected, match=r"97-2003（\.xls）"):
        read_xlsx(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512))


def test_zip_without_workbook_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "你好")
    out.seek(0)
    with pytest.raises(FileRejected, match="缺少工作簿内容"):
        read_xlsx(out)


def test_truncated_zip_refused():
    data = _xlsx([["a"], ["1"]]).getvalue()
    with pytest.raises(FileRejected, match="不是有效的 Excel"):
        read_xlsx(io.BytesIO(data[: len(data) // 2]))


@pytest.fixture
def no_decompression(monkeypatch):
    """Any inflation of a zip member fails the test: the guard must refuse on the directory alone."""

    def refuse(*args, **kwargs):
        raise AssertionError("a zip member was decompressed")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", refuse)


def test_zip_bomb_refused_before_decompressing(tmp_path, no_decompression):
    path = tmp_path / "bomb.xlsx"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(FileRejected, match=r"解压后约 300 MB，超过上限 200 MB"):
        read_xlsx(path)


def test_high_ratio_refused_under_the_size_limit(no_decompression):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<a/>" * (1024 * 1024))
    out.seek(0)
    with pytest.raises(FileRejected, match=r"压缩比为 .*超过上限 100"):
        read_xlsx(out)


def test_limits_are_configurable(tmp_path):
    path = _xlsx([["a"], ["1"]], tmp_path / "ok.xlsx")
    assert [r.values for r in read_xlsx(path)] == [{"a": "1"}]
    with pytest.raises(FileRejected, match="超过上限 0 MB"):
        read_xlsx(path, limits=ZipLimits(max_uncompressed=1024))
    with pytest.raises(FileRejected, match="超过上限 2"):
        read_xlsx(path, limits=ZipLimits(max_members=2))


def _small_workbook() -> bytes:
    return _xlsx([["a", "b"], [1, "x"], ["2024", 3.5]]).getvalue()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=8))
def test_damaged_workbooks_raise_only_file_rejected(flips):
    data = bytearray(_small_workbook())
    for position, byte in flips:
        data[position % len(data)] = byte
    try:
        reader = read_xlsx(io.BytesIO(bytes(data)))
        for row in reader:
            assert set(row.values) <= set(reader.headers)
    except FileRejected as exc:
        assert exc.message


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_into_read_xlsx_raise_only_file_rejected(raw):
    with pytest.raises(FileRejected):
        read_xlsx(io.BytesIO(b"PK\x03\x04" + raw))
