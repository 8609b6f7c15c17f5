"""Early warnings (西安 第六条): raised by a daily sweep, sent to the queue that must act."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SweepResult:
    raised: int
    cleared: int

    def summary(self) -> str:
        return f"{self.raised} warnings raised, {self.cleared} cleared"


def warnings_sweep(*, on: dt.date | None = None) -> SweepResult:
    raise NotImplementedError
