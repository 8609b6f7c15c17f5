"""API of the objections workflow (thin: the services do the work)."""

from ninja import Router

router = Router(tags=["异议处理"])
