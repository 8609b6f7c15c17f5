"""Which state an objection may move to from which, as one table.

checking → verifying (forwarded to providers) or answered (platform-side errors all fixed);
verifying → answered once every item has its answer; answered → closed when the applicant is
told; closed → review where the pack has one (元宝山 第三十一条); review → closed (upheld) or
verifying (the authority sends it back to the provider).
"""

from __future__ import annotations

from pubcredit.core.errors import ValidationFailed
from pubcredit.objections.models import ObjectionState

S = ObjectionState

TRANSITIONS: dict[str, frozenset[str]] = {
    S.CHECKING: frozenset({S.VERIFYING, S.ANSWERED}),
    S.VERIFYING: frozenset({S.ANSWERED}),
    S.ANSWERED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.REVIEW}),
    S.REVIEW: frozenset({S.CLOSED, S.VERIFYING}),
}


def objection_may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def _label(state: str) -> str:
    return ObjectionState(state).label if state in ObjectionState.values else state


def require_transition(*, number: str, current: str, target: str) -> None:
    """Refuse a move the table does not allow, naming both states in Chinese."""
    if objection_may_move(current, target):
        return
    allowed = TRANSITIONS.get(current, frozenset())
    hint = "可进入：" + "、".join(_label(s) for s in sorted(allowed)) if allowed else "该状态不能再变更"
    raise ValidationFailed(
        f"异议 {number} 的状态为“{_label(current)}”，不能进入“{_label(target)}”（{hint}）", field="state"
    )
