import io

import pytest
from openpyxl import Workbook

from pubcredit.collection.parsers import FileRejected, open_table, read_csv


def _xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["名称", "文号"])
    wb.active.append(["甲", "1"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("处罚.CSV", "名称,文号\n甲,1\n".encode("gbk")),
        ("处罚.txt", "名称,文号\n甲,1\n".encode()),
        ("处罚.tsv", "名称\t文号\n甲\t1\n".encode()),
        ("处罚.xlsx", _xlsx_bytes()),
    ],
)
def test_reader_chosen_by_suffix(name, data):
    reader = open_table(name, io.BytesIO(data))
    assert reader.headers == ["名称", "文号"]
    assert [r.values for r in reader] == [{"名称": "甲", "文号": "1"}]


@pytest.mark.parametrize(
    ("name", "reason"), [("a.xls", r"97-2003（\.xls）"), ("a.pdf", "“.pdf”不受支持"), ("a", "无扩展名")]
)
def test_unsupported_files_refused(name, reason):
    with pytest.raises(FileRejected, match=reason):
        open_table(name, io.BytesIO(b"x"))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b'a,b\n1,"2\n', "引号未闭合"), (b'a,b\n"1"x,2\n', "引号结束后缺少分隔符"), (b"a,b\n1\r2,3\n", "回车符")],
)
def test_csv_format_errors_explained_in_chinese(raw, reason):
    with pytest.raises(FileRejected, match=reason):
        list(read_csv(io.BytesIO(raw)))
