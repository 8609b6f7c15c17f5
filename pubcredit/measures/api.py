"""API of joint rewards and sanctions: measure tasks and credit checks (thin: services do the work)."""

from __future__ import annotations

from ninja import Router

measures_router = Router(tags=["联合奖惩"])
checks_router = Router(tags=["信用核查"])
