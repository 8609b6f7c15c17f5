"""HTML to PDF: the report template rendered by Django, laid out by WeasyPrint with the Noto CJK
fonts embedded (subset by HarfBuzz, so rare characters such as 䶮 and 𠮷 are carried in the file),
and a QR code of the verification link drawn as SVG.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import segno
from django.template.loader import render_to_string

_local = threading.local()
# WeasyPrint logs each lay-out step at INFO; one line per step per report is noise in the logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def qr_svg_data_uri(text: str) -> str:
    return str(segno.make(text, error="m", micro=False).svg_data_uri(scale=3, border=2))


def report_html(context: dict[str, Any]) -> str:
    return render_to_string("reports/pdf/report.html", context)


def _font_config() -> Any:
    """One WeasyPrint font configuration per thread: fontconfig is read once, not per report."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF bytes and the page count."""
    from weasyprint import HTML

    document = HTML(string=html).render(font_config=_font_config())
    pdf = document.write_pdf()
    assert pdf is not None
    return pdf, len(document.pages)


def warm_up() -> None:
    """Load fontconfig and the CJK face once, so the first report of a worker is not seconds
    slower than the others (call it where a worker starts, e.g. gunicorn's post_fork)."""
    html_to_pdf("<html><body style=\"font-family: 'Noto Sans CJK SC', sans-serif\">信用报告 XY</body></html>")
