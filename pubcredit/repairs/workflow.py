"""Which state a repair application may move to from which, as one table.

An application is decided once by the provider that made the finding (谁认定、谁修复): accepted or
rejected. Both are final; after a rejection the subject may apply again with new proof.
"""

from __future__ import annotations

from pubcredit.core.errors import ValidationFailed
from pubcredit.repairs.models import RepairState

REPAIR_TRANSITIONS: dict[str, frozenset[str]] = {
    RepairState.SUBMITTED: frozenset({RepairState.ACCEPTED, RepairState.REJECTED}),
    RepairState.ACCEPTED: frozenset(),
    RepairState.REJECTED: frozenset(),
}


def repair_may_move(current: str, target: str) -> bool:
    return target in REPAIR_TRANSITIONS.get(current, frozenset())


def require_repair_transition(*, number: str, current: str, target: str) -> None:
    """Refuse a move the table does not allow, naming both states in Chinese."""
    if repair_may_move(current, target):
        return
    now = RepairState(current).label if current in RepairState.values else current
    wanted = RepairState(target).label if target in RepairState.values else target
    raise ValidationFailed(
        f"信用修复申请 {number} 的状态为“{now}”，不能改为“{wanted}”（已作出决定的申请不能再变更）", field="state"
    )
