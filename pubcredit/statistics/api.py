"""The statistics API: thin, reads through selectors."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["统计监测"])
