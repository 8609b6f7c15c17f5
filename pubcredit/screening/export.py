"""The results of a job as an XLSX workbook: one line per input row, its best match first and
the other candidates in a column of their own. Every text cell goes through
`escape_for_spreadsheet`, so a name like "=HYPERLINK(...)" is inert when the file is opened."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from pubcredit.collection.parsers.cells import escape_for_spreadsheet
from pubcredit.screening.matching import shown_outcome
from pubcredit.screening.models import Outcome, ScreeningJob, ScreeningRow
from pubcredit.screening.standing import business_type_label

HEADERS = (
    "行号",
    "输入名称",
    "输入代码",
    "结果",
    "匹配主体",
    "统一社会信用代码/身份证号码",
    "匹配分数",
    "匹配理由",
    "名单状态",
    "适用措施",
    "其他候选",
    "说明",
)
_WIDTHS = (8, 32, 22, 10, 32, 24, 10, 40, 36, 48, 48, 40)
_OUTCOMES = dict(Outcome.choices)


def _text(value: Any) -> str:
    return escape_for_spreadsheet(str(value or ""))


def _line(row: ScreeningRow, hidden: set[tuple[str, int]]) -> list[Any]:
    keys = [row.input_key, *row.alt_keys]
    shown = [c for c in row.candidates if not any((k, c["subject_id"]) in hidden for k in keys)]
    best = shown[0] if shown else None
    others = "；".join(f"{c['name']}（{c['identifier']}，{c['score']}分）" for c in shown[1:])
    return [
        row.row_number,
        _text(row.input_name),
        _text(row.input_code),
        _OUTCOMES[shown_outcome(row, shown)],
        _text(best["name"]) if best else "",
        _text(best["identifier"]) if best else "",
        best["score"] if best else None,
        _text(best["reason"]) if best else "",
        _text("；".join(best["lists"]) or ("未列入名单" if best.get("standing") else "")) if best else "",
        _text("；".join(best["measures"])) if best else "",
        _text(others),
        _text(row.message),
    ]


def build_xlsx(job: ScreeningJob, rows: Iterable[ScreeningRow], *, hidden: set[tuple[str, int]] | None = None) -> bytes:
    """The workbook of `rows`; candidates in `hidden` (false-match marks) are left out."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("筛查结果")
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    title = f"批量筛查结果：{job.file_name}"
    if job.business_type:
        title += f"（业务类型：{business_type_label(job.business_type)}）"
    sheet.append([_text(title)])
    sheet.append([_text(f"名单状态日期：{job.screened_on.isoformat() if job.screened_on else ''}")])
    bold = Font(bold=True)
    header_cells = []
    for header in HEADERS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(_line(row, hidden or set()))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
