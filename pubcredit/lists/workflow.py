"""Transitions of a list entry: in force → ended (with its reason) or void; nothing comes back."""

from __future__ import annotations

from pubcredit.core.errors import ValidationFailed
from pubcredit.lists.models import EntryState

ALLOWED: dict[str, frozenset[str]] = {
    EntryState.IN_FORCE: frozenset({EntryState.ENDED, EntryState.VOID}),
    # A wrong listing found after the entry ended is still voided, so the reputation is restored.
    EntryState.ENDED: frozenset({EntryState.VOID}),
    EntryState.VOID: frozenset(),
}


def require_entry_transition(*, number: str, current: str, target: str) -> None:
    if target not in ALLOWED.get(current, frozenset()):
        raise ValidationFailed(
            f"名单条目 {number} 当前状态为“{EntryState(current).label}”，不能变为“{EntryState(target).label}”",
            field="state",
        )
