"""API of credit evaluation (thin: the services do the work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["信用评价"])
