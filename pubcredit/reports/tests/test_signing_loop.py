"""Signing works whether or not the calling thread runs an event loop (pyHanko runs its own)."""

from __future__ import annotations

import asyncio
import io

import pypdfium2 as pdfium
import pytest

from pubcredit.reports.signing import sign_pdf


def _blank_pdf() -> bytes:
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_pdf_is_signed_inside_a_running_event_loop() -> None:
    pdf = _blank_pdf()

    async def inside_a_loop() -> bytes:
        return sign_pdf(pdf, reason="测试", location="测试")

    signed = asyncio.run(inside_a_loop())
    plain = sign_pdf(pdf, reason="测试", location="测试")
    assert signed.startswith(b"%PDF") and b"/ByteRange" in signed and len(signed) > len(pdf)
    assert b"/ByteRange" in plain
