import codecs
import csv
import io
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.collection.parsers import FileRejected, looks_like_formula, map_headers, read_csv
from pubcredit.collection.parsers.cells import clean_cell
from pubcredit.core.errors import ValidationFailed

CF_NEW = ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_FRDB", "CF_WSH", "CF_CFLB"]
CF_OLD = ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_GSDJ", "CF_XDR_ZDM", "CF_FR", "CF_WSH", "CF_CFLB1"]
CF_VALUES = [
    "西安某某餐饮有限公司",
    "法人及非法人组织",
    "91350100M000100Y43",
    "610100000012345",
    "",
    "张三",
    "西市监罚〔2024〕12号",
    "罚款",
]


def _csv(headers, rows, encoding="utf-8", newline="\r\n"):
    lines = [",".join(headers)] + [",".join(r) for r in rows]
    return io.BytesIO((newline.join(lines) + newline).encode(encoding))


def _rows(reader):
    return list(reader)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("headers", [CF_NEW, CF_OLD], ids=["new", "old"])
def test_cf_csv_in_every_encoding_maps_to_fields(encoding, headers, cf_set):
    reader = read_csv(_csv(headers, [CF_VALUES, CF_VALUES]), delimiter=",")
    assert reader.headers == headers
    rows = _rows(reader)
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values[headers[0]] == "西安某某餐饮有限公司"
    assert rows[0].values[headers[6]] == "西市监罚〔2024〕12号"
    mapped = map_headers(reader.headers, cf_set)
    names = [spec.name for spec in mapped.columns.values()]
    assert names == CF_NEW
    assert not [p for p in mapped.problems if p.kind != "missing_required"]
    assert mapped.values_for(rows[0])["CF_FRDB"] == "张三"


def test_gbk_csv_with_chinese_label_headers(cf_set):
    headers = [
        "行政相对人名称",
        "行政相对人类别",
        "行政相对人代码_1（统一社会信用代码）",
        "处罚决定书文号",
        "罚款金额（万元）",
    ]
    data = _csv(headers, [["某公司", "法人及非法人组织", "91350100M000100Y43", "文号1", "1.5"]], encoding="gbk")
    reader = read_csv(data)
    mapped = map_headers(reader.headers, cf_set)
    assert [s.name for s in mapped.columns.values()] == ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_WSH", "CF_NR_FK"]
    (row,) = _rows(reader)
    assert mapped.values_for(row)["CF_NR_FK"] == "1.5"


def test_blank_lines_skipped_and_numbers_are_physical_lines():
    raw = "a,b\n\n1,2\n,\n  ,\u3000\n3,4\n".encode()
    rows = _rows(read_csv(io.BytesIO(raw)))
    assert [(r.number, r.values) for r in rows] == [(3, {"a": "1", "b": "2"}), (6, {"a": "3", "b": "4"})]


def test_quoted_multiline_value_keeps_start_line():
    raw = 'a,b\n1,"第一行\n第二行"\n3,4\n'.encode()
    rows = _rows(read_csv(io.BytesIO(raw)))
    assert [(r.number, r.values["b"]) for r in rows] == [(2, "第一行\n第二行"), (4, "4")]


def test_values_stripped_of_full_width_spaces_and_short_rows_padded():
    rows = _rows(read_csv(io.BytesIO("a,b,c\n\u3000甲 ,乙\n".encode())))
    assert rows[0].values == {"a": "甲", "b": "乙", "c": ""}


def test_tab_separated_values():
    rows = _rows(read_csv(io.BytesIO(b"a\tb\n1,5\t2\n"), delimiter="\t"))
    assert rows[0].values == {"a": "1,5", "b": "2"}


def test_headers_normalised_with_nfkc():
    reader = read_csv(io.BytesIO("\ufeff\u3000ＣＦ＿ＷＳＨ ,CF_XDR_MC\n".encode()))
    assert reader.headers == ["CF_WSH", "CF_XDR_MC"]


def test_row_with_more_cells_than_headers_is_refused_naming_row():
    rows = _rows(read_csv(io.BytesIO(b"a,b\n1,2\n1,2,3\n4,5,,\n")))
    assert rows[0].ok
    assert not rows[1].ok
    assert rows[1].problems[0].row == 3
    assert "第 3 行有 3 个单元格，多于表头的 2 列" in rows[1].problems[0].message
    assert rows[2].ok  # trailing empty cells, as Excel writes them, are fine
    with pytest.raises(FileRejected, match="第 3 行"):
        rows[1].raise_for_problems()


def test_duplicate_headers_refused_naming_them():
    with pytest.raises(FileRejected) as exc:
        read_csv(io.BytesIO("CF_WSH,名称,cf_wsh,名称,其他\n".encode()))
    assert "“cf_wsh”" in exc.value.message
    assert "“名称”" in exc.value.message
    assert "重复" in exc.value.message


def test_blank_header_in_the_middle_refused():
    with pytest.raises(FileRejected, match="第 2 列为空"):
        read_csv(io.BytesIO(b"a,,c\n1,2,3\n"))


def test_empty_file_refused():
    with pytest.raises(FileRejected, match="文件为空"):
        read_csv(io.BytesIO(b"\n\n"))


def test_formula_cells_refused_naming_row_and_column():
    raw = 'CF_WSH,CF_XDR_MC,CF_NR_FK\n"=HYPERLINK(""http://x"",""y"")",甲,-12.5\nA2,"=cmd|\' /C calc\'!A0",3\n'
    rows = _rows(read_csv(io.BytesIO(raw.encode())))
    assert [(p.row, p.column) for p in rows[0].problems] == [(2, "CF_WSH")]
    assert "CF_WSH" not in rows[0].values
    assert rows[0].values["CF_NR_FK"] == "-12.5"
    assert [(p.row, p.column) for p in rows[1].problems] == [(3, "CF_XDR_MC")]
    assert "第 3 行“CF_XDR_MC”列" in rows[1].problems[0].message
    assert "公式" in rows[1].problems[0].message


def test_neither_utf8_nor_gb18030_is_refused():
    with pytest.raises(FileRejected, match="既不是 UTF-8 也不是 GB18030"):
        read_csv(io.BytesIO(b"a,b\n\x80\x80\xff\n"))


def test_encoding_switch_after_prefix_is_refused_naming_the_line():
    raw = b"a,b\n" + b"x,y\n" * 20000 + "甲,乙\n".encode("gbk")
    reader = read_csv(io.BytesIO(raw))
    with pytest.raises(FileRejected, match="UTF-8") as exc:
        _rows(reader)
    assert exc.value.row == 20002
    assert "第 20002 行" in exc.value.message


def test_binary_content_refused():
    with pytest.raises(FileRejected, match="控制字符"):
        read_csv(io.BytesIO(b"a,b\x00\x01\n"))


def test_unbalanced_quote_refused_with_line():
    reader = read_csv(io.BytesIO(b'a,b\n1,"2\n'))
    with pytest.raises(FileRejected, match="格式错误"):
        _rows(reader)


def test_error_type_is_a_validation_failure():
    assert issubclass(FileRejected, ValidationFailed)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8")))
def test_arbitrary_bytes_either_parse_or_raise_file_rejected(raw):
    try:
        reader = read_csv(io.BytesIO(raw))
        assert isinstance(reader.headers, list)
        for row in reader:
            assert row.number >= 2
            assert set(row.values) <= set(reader.headers)
    except FileRejected as exc:
        assert exc.message


_CELL_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_CELL_TEXT, min_size=2, max_size=2), max_size=5))
def test_gb18030_round_trip_of_well_formed_tables(cells):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["甲", "乙"])
    writer.writerows(cells)
    rows = list(read_csv(io.BytesIO(out.getvalue().encode("gb18030"))))
    expected = [c for c in cells if any(clean_cell(v) for v in c)]
    assert len(rows) == len(expected)
    for row, raw in zip(rows, expected, strict=True):
        for header, value in zip(["甲", "乙"], raw, strict=True):
            if looks_like_formula(value):
                assert header in [p.column for p in row.problems]
            else:
                assert row.values[header] == clean_cell(value)


def test_memory_stays_bounded_on_200000_rows(tmp_path):
    path = tmp_path / "big.csv"
    row = "西安某某餐饮有限公司{},法人及非法人组织,91350100M000100Y43,西市监罚〔2024〕{}号,罚款,2024-05-01\n"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_WSH,CF_CFLB,CF_JDRQ\n")
        for i in range(200_000):
            fh.write(row.format(i, i))
    size = path.stat().st_size
    assert size > 20 * 1024 * 1024
    tracemalloc.start()
    try:
        count = 0
        last = 0
        with path.open("rb") as fh:
            for r in read_csv(fh):
                count += 1
                last = r.number
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert last == 200_001
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte file"


def test_bom_is_not_part_of_first_header():
    reader = read_csv(io.BytesIO(codecs.BOM_UTF8 + b"CF_WSH\n1\n"))
    assert reader.headers == ["CF_WSH"]
