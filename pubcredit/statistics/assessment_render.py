"""The provider assessment as a PDF (through the credit reports' renderer, CJK font embedded) and
as an XLSX workbook, and the audited download of either.

Both files show the same rows as the page (`assessment.Assessment`). Every text cell of the
workbook goes through `escape_for_spreadsheet`, so a department name starting with "=" stays text.
A statistical report leaving the platform is an archived output of the credit centre (南通 第二十条):
each file is registered in the archive (`archive.py`) and served from it when asked again, and
every download is recorded in the audit log.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from pubcredit.accounts.models import User
from pubcredit.collection.parsers.cells import escape_for_spreadsheet
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.reports.render import html_to_pdf
from pubcredit.statistics.archive import CONTENT_TYPES, ReportKey, statistical_report_archive
from pubcredit.statistics.assessment import INDICATORS, NO_RATE, Assessment, ProviderRow, Rate
from pubcredit.statistics.models import StatisticalReportKind
from pubcredit.statistics.selectors import statistics_visible_to

FORMATS = ("pdf", "xlsx")

# The PDF's stylesheet. It lives here rather than in the template because templates under
# `statistics/` are browser templates, which hold no inline style (the content security policy);
# this one is only ever laid out by WeasyPrint. One face of one family, as in the credit report:
# each face is subset and embedded separately.
PDF_STYLE = """
@page {
  size: A4 landscape;
  margin: 16mm 12mm 15mm 12mm;
  @top-left { content: "信息提供单位考核情况"; font-size: 8pt; color: #555; }
  @top-right { content: "统计期间 PERIOD_LABEL"; font-size: 8pt; color: #555; }
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 8pt; color: #555; }
}
html { font-family: "Noto Sans CJK SC", sans-serif; font-weight: normal; font-size: 9pt; line-height: 1.45;
       color: #111; }
h1, h2, th, strong { font-weight: normal; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 2mm; letter-spacing: 1pt; }
h2 { font-size: 11pt; color: #1f3c88; border-bottom: 1pt solid #1f3c88; padding-bottom: 0.8mm; margin: 6mm 0 2mm;
     break-after: avoid; }
.cover { text-align: center; margin: 0 0 1.5mm; }
.cover span { margin: 0 3mm; white-space: nowrap; }
.partial { text-align: center; color: #8a1c1c; margin: 0 0 2mm; }
table.figures { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.figures th, table.figures td { border: 0.5pt solid #888; padding: 1mm 1.2mm; text-align: right;
     vertical-align: middle; overflow-wrap: anywhere; }
table.figures th { background: #eef1f8; text-align: center; font-size: 8pt; line-height: 1.25; }
table.figures thead { display: table-header-group; }
table.figures tr { break-inside: avoid; }
table.figures td.name { text-align: left; }
table.figures td.rank { text-align: center; }
col.rank { width: 4%; }
col.name { width: 13%; }
.counts { display: block; font-size: 7pt; color: #555; }
.none { text-align: center; color: #555; padding: 4mm 0; }
ol.notes { margin: 0; padding-left: 6mm; }
ol.notes li { margin-bottom: 1mm; }
.basis { font-size: 8.5pt; color: #333; margin-top: 2mm; }
"""


@dataclass(frozen=True, slots=True)
class Download:
    content: bytes
    file_name: str
    content_type: str


def _context(assessment: Assessment) -> dict[str, Any]:
    return {
        "a": assessment,
        "rollup_at": timezone.localtime(assessment.rollup.finished_at) if assessment.rollup else None,
        "generated_at": timezone.localtime(assessment.generated_at),
    }


def assessment_pdf(assessment: Assessment) -> bytes:
    """The report as a landscape A4 PDF: cover line, the table, how each figure is computed."""
    style = PDF_STYLE.replace("PERIOD_LABEL", assessment.period.label)
    context = _context(assessment) | {"stylesheet": mark_safe(f"<style>{style}</style>")}
    pdf, _pages = html_to_pdf(render_to_string("statistics/assessment_pdf.html", context))
    return pdf


# --- the workbook ----------------------------------------------------------------------------

_HEADERS = (
    "排名",
    "信息提供单位",
    "归集记录",
    "有报送时限的记录",
    "按时报送的记录",
    "按时报送率",
    "报送行数",
    "退回行数",
    "差错率",
    "异议项",
    "已答复",
    "答复逾期",
    "已更正（记录有误）",
    "记录有误占比",
    "修复已决定",
    "修复逾期",
    "奖惩已反馈",
    "奖惩反馈逾期",
)
_WIDTHS = (6, 28, 10, 12, 12, 11, 10, 10, 9, 8, 8, 9, 12, 12, 11, 9, 11, 12)


def _text(value: object) -> str:
    return escape_for_spreadsheet(str(value))


def _rate(sheet: Any, rate: Rate) -> WriteOnlyCell:
    """A number formatted as a percentage, or the text "—" when nothing was due."""
    value = rate.value
    if value is None:
        cell = WriteOnlyCell(sheet, value=NO_RATE)
        cell.alignment = Alignment(horizontal="center")
        return cell
    cell = WriteOnlyCell(sheet, value=round(float(value), 6))
    cell.number_format = "0.0%"
    return cell


def _line(sheet: Any, row: ProviderRow) -> list[Any]:
    return [
        row.rank if row.rank is not None else NO_RATE,
        _text(row.name),
        row.collected,
        row.on_time.denominator,
        row.on_time.numerator,
        _rate(sheet, row.on_time),
        row.errors.denominator,
        row.errors.numerator,
        _rate(sheet, row.errors),
        row.objections,
        row.answered,
        row.objections_overdue,
        row.wrong.numerator,
        _rate(sheet, row.wrong),
        row.repairs_decided,
        row.repairs_overdue,
        row.tasks_fed_back,
        row.tasks_overdue,
    ]


def _about(assessment: Assessment) -> list[tuple[str, str]]:
    context = _context(assessment)
    rollup_at = context["rollup_at"]
    return [
        ("统计期间", f"{assessment.period.label}（{assessment.period.first_day} 至 {assessment.period.last_day}）"),
        ("区县", assessment.district or "全部"),
        ("生成时间", f"{context['generated_at']:%Y-%m-%d %H:%M}"),
        ("数据来源", f"统计汇总，完成于 {rollup_at:%Y-%m-%d %H:%M}" if rollup_at else "尚未进行统计汇总"),
        ("数据完整性", assessment.caveat or "统计期间已结束，数据为期间结束后汇总的结果"),
        ("说明", assessment.scope_note),
    ]


def assessment_xlsx(assessment: Assessment) -> bytes:
    """The workbook: the figures with their counts on one sheet, what they mean on another."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("考核情况")
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([_text(f"信息提供单位考核情况：{assessment.period.label}")])
    for key, value in _about(assessment):
        sheet.append([key, _text(value)])
    sheet.append([])
    bold = Font(bold=True)
    header = []
    for label in _HEADERS:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in assessment.rows:
        sheet.append(_line(sheet, row))
    notes = book.create_sheet("指标说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 110
    notes.append(["指标", "计算方法"])
    for indicator in INDICATORS:
        notes.append([_text(indicator.label), _text(indicator.note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the download ----------------------------------------------------------------------------


def assessment_download(*, actor: User | AnonymousUser, assessment: Assessment, file_format: str) -> Download:
    """The PDF or XLSX for an operator or the authority, from the archive register (南通 第二十条).

    The first download of a period, district and format from a given rollup renders the file and
    registers it; later ones serve the archived bytes, so the same figures always come out as the
    same file. Each download is recorded in the audit log with the period, the format and the
    register number, in its own short transaction after the file is ready, so the audit chain is
    not held while the PDF is laid out."""
    if not statistics_visible_to(actor):
        raise PermissionDenied("只有信用中心和主管部门可以下载考核报告")
    if file_format not in FORMATS:
        raise ValidationFailed(f"文件格式“{file_format[:10]}”无效，可选 PDF 或 XLSX", field="format")
    render: Callable[[], bytes] = (
        (lambda: assessment_pdf(assessment)) if file_format == "pdf" else (lambda: assessment_xlsx(assessment))
    )
    archived = statistical_report_archive(
        actor=actor,
        key=ReportKey(
            kind=StatisticalReportKind.ASSESSMENT,
            period=assessment.period.code,
            district=assessment.district,
            file_format=file_format,
            rollup=assessment.rollup,
        ),
        period_label=assessment.period.label,
        providers=len(assessment.rows),
        render=render,
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="statistics.assessment_download",
            target=archived.report,
            data={
                "period": assessment.period.code,
                "format": file_format,
                "district": assessment.district,
                "providers": archived.report.providers,
                "rollup_id": assessment.rollup.pk if assessment.rollup else None,
                "number": archived.report.number,
                "archived": "registered" if archived.registered else "reused",
            },
        )
    file_name = f"assessment-{assessment.period.code}.{file_format}"
    return Download(content=archived.content, file_name=file_name, content_type=CONTENT_TYPES[file_format])
