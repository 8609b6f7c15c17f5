"""API of data exchange with upstream and downstream platforms (thin: the services do the work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["互联互通"])
