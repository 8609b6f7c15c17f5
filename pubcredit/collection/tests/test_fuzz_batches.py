"""A refused file leaves nothing behind but its rejected batch; a good file lands whatever its encoding."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
import zipfile
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pubcredit.accounts.tests.factories import ProviderClerkFactory
from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import Batch, BatchStatus
from pubcredit.collection.services.batches import batch_submit_file
from pubcredit.core.errors import ValidationFailed
from pubcredit.records.models import Record, RecordVersion
from pubcredit.records.tests.conftest import cf_data
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory

TODAY = dt.datetime(2025, 6, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Any) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def clerk(db: Any) -> Any:
    with time_machine.travel(TODAY, tick=False):
        catalog_seed()
        yield ProviderClerkFactory.create()


def _counts() -> tuple[int, int, int]:
    return Record.objects.count(), RecordVersion.objects.count(), Subject.objects.count()


def _submit(clerk: Any, data: bytes, name: str) -> Batch | None:
    """The batch the file made, or None when the service refused it outright (with a Chinese reason)."""
    with time_machine.travel(TODAY, tick=False):
        try:
            # A fresh reference each time: the same bytes again would be answered by the earlier batch.
            return batch_submit_file(
                actor=clerk,
                provider=clerk.organisation,
                item_code="CF",
                stream=io.BytesIO(data),
                file_name=name,
                ref=f"FUZZ-{uuid.uuid4().hex}",
            ).batch
        except ValidationFailed as exc:
            assert CJK.search(exc.message), exc.message
            return None


def assert_refused_and_nothing_written(clerk: Any, data: bytes, name: str) -> Batch | None:
    before, batches = _counts(), Batch.objects.count()
    batch = _submit(clerk, data, name)
    assert _counts() == before
    if batch is None:
        assert Batch.objects.count() == batches
        return None
    assert batch.status == BatchStatus.REJECTED
    assert batch.rows_created == 0 and batch.problems and batch.problems_count >= len(batch.problems)
    for problem in batch.problems:
        assert CJK.search(problem["message"]), problem
    return batch


def _cf_rows(n: int) -> tuple[list[str], list[list[str]]]:
    rows = [cf_data(OrgSubjectFactory.build(), wsh=f"西市监罚〔2025〕{i}号") for i in range(1, n + 1)]
    headers = list(rows[0])
    return headers, [[row[h] for h in headers] for row in rows]


def _csv(headers: list[str], rows: list[list[str]], encoding: str = "utf-8", blank_lines: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
        if blank_lines:
            out.write("\n")
    return out.getvalue().encode(encoding)


def _xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@FUZZ
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.csv", "x.xlsx", "x.tsv", "x.xls", "x.bin"]))
def test_arbitrary_bytes_are_refused_and_nothing_is_written(clerk: Any, data: bytes, name: str) -> None:
    assert_refused_and_nothing_written(clerk, data, name)


@FUZZ
@given(text=st.text(max_size=300), enc=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_arbitrary_text_is_refused_and_nothing_is_written(clerk: Any, text: str, enc: str) -> None:
    try:
        data = text.encode(enc)
    except UnicodeEncodeError:
        return
    assert_refused_and_nothing_written(clerk, data, "x.csv")


FORMULA_VALUES = ['=HYPERLINK("http://evil.example","点击")', "@SUM(1)", "+cmd|' /C calc'!A0", "-1+A1", "\t=1"]


@FUZZ
@given(
    column=st.integers(min_value=0, max_value=14),
    value=st.sampled_from(FORMULA_VALUES),
    row=st.integers(min_value=0, max_value=2),
    fmt=st.sampled_from(["csv", "xlsx"]),
)
def test_a_formula_cell_refuses_the_batch_naming_row_and_column(
    clerk: Any, column: int, value: str, row: int, fmt: str
) -> None:
    headers, rows = _cf_rows(3)
    rows[row][column] = value
    data = _csv(headers, rows) if fmt == "csv" else _xlsx(headers, rows)
    if fmt == "xlsx" and value.startswith("="):
        # openpyxl stores it as a real formula without a cached result: the reader takes the
        # result (none, an empty cell), never the formula's text. An optional column may land empty.
        landed = _submit(clerk, data, "x.xlsx")
        assert landed is not None
        assert not any(value in str(v) for r in Record.objects.all() for v in r.data.values())
        return
    batch = assert_refused_and_nothing_written(clerk, data, f"x.{fmt}")
    assert batch is not None
    messages = [p["message"] for p in batch.problems if p["row"] == row + 2]
    assert any(f"“{headers[column]}”列" in m and "公式" in m for m in messages), batch.problems


@FUZZ
@given(cut=st.integers(min_value=1, max_value=100_000), fmt=st.sampled_from(["csv", "xlsx"]))
def test_truncated_files_are_refused_or_land_only_whole_rows(clerk: Any, cut: int, fmt: str) -> None:
    headers, rows = _cf_rows(3)
    whole = _csv(headers, rows, "gb18030") if fmt == "csv" else _xlsx(headers, rows)
    data = whole[: min(cut, len(whole) - 1)]
    before = _counts()[0]
    batch = _submit(clerk, data, f"x.{fmt}")
    if batch is None or batch.status == BatchStatus.REJECTED:
        assert _counts()[0] == before
    else:  # a CSV cut at a line end is a shorter, valid file
        assert fmt == "csv" and batch.status == BatchStatus.ACCEPTED
        assert Record.objects.count() == before + batch.rows_created


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_good_file_lands_in_every_accepted_encoding_even_with_blank_lines(clerk: Any, encoding: str) -> None:
    headers, rows = _cf_rows(2)
    batch = _submit(clerk, _csv(headers, rows, encoding, blank_lines=True), "处罚.csv")
    assert batch is not None and batch.status == BatchStatus.ACCEPTED, batch and batch.problems
    assert batch.rows_created == 2 and Record.objects.count() == 2


def test_a_good_workbook_lands(clerk: Any) -> None:
    headers, rows = _cf_rows(2)
    batch = _submit(clerk, _xlsx(headers, rows), "处罚.xlsx")
    assert batch is not None and batch.status == BatchStatus.ACCEPTED, batch and batch.problems


def test_a_zip_bomb_is_refused_and_nothing_is_written(clerk: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"<row/>" * (1024 * 1024 // 6)
            for _ in range(260):
                member.write(block)
    batch = assert_refused_and_nothing_written(clerk, out.getvalue(), "bomb.xlsx")
    assert batch is not None and "压缩炸弹" in batch.problems[0]["message"]


def test_thousands_of_unknown_columns_are_refused_with_each_named(clerk: Any) -> None:
    headers, rows = _cf_rows(1)
    extra = [f"多余列{i}" for i in range(3000)]
    data = _csv(headers + extra, [rows[0] + ["x"] * len(extra)])
    batch = assert_refused_and_nothing_written(clerk, data, "x.csv")
    assert batch is not None and batch.problems_count == 3000
    assert "多余列2999" in batch.problems[-1]["message"]


def test_a_huge_cell_refuses_the_batch_naming_its_line(clerk: Any) -> None:
    headers, rows = _cf_rows(2)
    rows[1][headers.index("CF_SY")] = "长" * (1024 * 1024 + 1)
    batch = assert_refused_and_nothing_written(clerk, _csv(headers, rows), "x.csv")
    assert batch is not None
    assert any(p["row"] == 3 and "第 3 行" in p["message"] for p in batch.problems), batch.problems
