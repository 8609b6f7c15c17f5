"""API of the screening app (thin: the services do the work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["批量筛查"])
