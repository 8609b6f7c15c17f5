"""One chart as an XLSX workbook: the filter in the header rows, the data table, a native chart.

The figures are the dashboard's own (`dashboard.Chart`), so a download equals the screen. Every
text cell goes through `escape_for_spreadsheet`: an organisation named "=HYPERLINK(...)" stays
text when the file is opened.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pubcredit.collection.parsers import escape_for_spreadsheet
from pubcredit.statistics.dashboard import Chart

PERCENT_FORMAT = "0.0%"
NO_VALUE = "—"


def _text(value: object) -> str:
    return escape_for_spreadsheet(str(value))


def chart_workbook(chart: Chart, *, filters: Sequence[tuple[str, str]], as_of: str) -> bytes:
    """The workbook of `chart`; `filters` are (label, value) pairs, `as_of` when the figures were counted."""
    wb = Workbook()
    sheet = wb.active
    assert isinstance(sheet, Worksheet)
    sheet.title = chart.slug[:31]
    bold = Font(bold=True)
    sheet.append([_text(chart.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in filters:
        sheet.append([_text(label), _text(value)])
    sheet.append([_text("数据截至"), _text(as_of)])
    sheet.append([_text("说明"), _text(chart.caption)])
    sheet.append([])
    columns, rows = chart.table()
    header_row = sheet.max_row + 1
    sheet.append([_text(chart.category_label), *(_text(c.label) for c in columns)])
    for cell in sheet[header_row]:
        cell.font = bold
    for category, values in rows:
        line: list[object] = [_text(category)]
        line += [NO_VALUE if v is None else v for v in values]
        sheet.append(line)
        for index, column in enumerate(columns):
            cell = sheet.cell(row=sheet.max_row, column=index + 2)
            if column.percent and cell.value != NO_VALUE:
                cell.number_format = PERCENT_FORMAT
    last_row = sheet.max_row
    sheet.column_dimensions["A"].width = 28
    for index in range(2, len(columns) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    if rows and chart.series:
        _add_chart(sheet, chart, columns=[c.label for c in columns], header_row=header_row, last_row=last_row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _add_chart(sheet: Worksheet, chart: Chart, *, columns: list[str], header_row: int, last_row: int) -> None:
    """A native bar chart of the series the page draws (the table's other columns are left out)."""
    drawn = {series.label for series in chart.series}
    native = BarChart()
    native.type = "col" if chart.orientation == "columns" else "bar"
    native.grouping = "stacked" if chart.stacked else "clustered"
    if chart.stacked:
        native.overlap = 100
    native.title = chart.title
    native.y_axis.title = "比率" if chart.percent else "数量"
    native.x_axis.title = chart.category_label
    if chart.percent:
        native.y_axis.numFmt = PERCENT_FORMAT
    for offset, label in enumerate(columns):
        if label not in drawn:
            continue
        column = offset + 2
        data = Reference(sheet, min_col=column, min_row=header_row, max_row=last_row)
        native.add_data(data, titles_from_data=True)
    native.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row))
    native.width = 24
    native.height = 12
    sheet.add_chart(native, f"{get_column_letter(len(columns) + 3)}{header_row}")
