"""API of the lists app (thin: the services do the work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["红黑名单"])
