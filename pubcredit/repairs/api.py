"""API of the repairs workflow (thin: the services do the work)."""

from ninja import Router

router = Router(tags=["信用修复"])
