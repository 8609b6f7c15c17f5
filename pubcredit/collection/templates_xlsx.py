"""The upload template of a catalogue item: the sheet a clerk fills in and uploads back.

The first sheet holds only the header row (Chinese labels), so a filled template is read back
without any row to skip; each header's comment gives the field name, type and whether it is
required. The example row and the field list are on a second sheet, which the reader ignores,
so an example can never be uploaded as a record by mistake.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pubcredit.catalog.fields import FIELD_TYPES, SUBJECT_KINDS, FieldSpec, specs_from_json
from pubcredit.collection.parsers.cells import escape_for_spreadsheet
from pubcredit.collection.parsers.headers import CONSENT_REF_HEADERS

_EXAMPLES = {
    "string": "示例文本",
    "text": "示例说明文字",
    "date": "2024-05-01",
    "decimal": "1.5",
    "integer": "1",
    "uscc": "91350100M000100Y43",
    "id_number": "11010519491231002X",
    "bool": "是",
}
_TEXT_TYPES = {"string", "text", "uscc", "id_number", "enum", "date"}
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _requirement(spec: FieldSpec) -> str:
    if spec.required:
        return "必填"
    if spec.required_for:
        return "、".join(SUBJECT_KINDS[k] for k in spec.required_for) + "必填"
    return "选填"


def _example(spec: FieldSpec) -> str:
    if spec.type == "enum":
        return spec.choices[0]
    return _EXAMPLES.get(spec.type, "")


def _note(spec: FieldSpec) -> str:
    lines = [f"字段名：{spec.name}", f"类型：{FIELD_TYPES[spec.type]}", f"要求：{_requirement(spec)}"]
    if spec.choices:
        lines.append(f"可选值：{'、'.join(spec.choices)}")
    if spec.max_length:
        lines.append(f"最长：{spec.max_length} 字")
    if spec.sensitivity == "consent":
        lines.append(f"须本人书面同意，并填写“{CONSENT_REF_HEADERS[1]}”列")
    return "\n".join(lines)


def _width(text: str) -> float:
    return min(60.0, max(10.0, sum(2 if ord(c) > 0x2E7F else 1 for c in text) + 4))


def build_template(item_fields: list[dict[str, Any]], item_name: str) -> bytes:
    """The XLSX template of an item whose stored field specs are `item_fields`."""
    specs = specs_from_json(item_fields)
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "数据"
    needs_consent = any(s.sensitivity == "consent" for s in specs)
    headers = [(s.label, _note(s), s) for s in specs]
    for col, (label, note, spec) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col, value=escape_for_spreadsheet(label))
        cell.comment = Comment(note, "pubcredit", width=260, height=120)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if spec.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = _width(max(label, _example(spec), key=len))
        if spec.type in _TEXT_TYPES:
            # Text format keeps ID numbers and codes from being turned into numbers by Excel.
            sheet.column_dimensions[letter].number_format = "@"
    if needs_consent:
        col = len(headers) + 1
        cell = sheet.cell(row=1, column=col, value=CONSENT_REF_HEADERS[1])
        cell.comment = Comment(
            f"字段名：{CONSENT_REF_HEADERS[0]}\n本人书面同意书（授权书）的编号；填写了须同意的列时必填", "pubcredit"
        )
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = 18
    sheet.freeze_panes = "A2"

    guide = wb.create_sheet("填写说明")
    guide.append([escape_for_spreadsheet(f"{item_name} 数据上传模板")])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(["请在“数据”工作表第 2 行起逐行填写，表头不要改动；本工作表不会被读取。"])
    guide.append([])
    guide.append(["列名", "字段名", "类型", "要求", "可选值", "示例"])
    for cell in guide[4]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for spec in specs:
        guide.append(
            [
                escape_for_spreadsheet(spec.label),
                escape_for_spreadsheet(spec.name),
                FIELD_TYPES[spec.type],
                _requirement(spec),
                escape_for_spreadsheet("、".join(spec.choices)),
                escape_for_spreadsheet(_example(spec)),
            ]
        )
    for letter, width in zip("ABCDEF", (30, 20, 16, 24, 40, 24), strict=True):
        guide.column_dimensions[letter].width = width

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
