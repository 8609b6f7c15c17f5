"""API of credit reports and their verification (thin: the services do the work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["信用报告"])
