"""Which state a farmer credit rating may move to from which (西安市农户信用等级评价办法 三).

proposed (village group's first rating) → reviewed (town group) or withdrawn;
reviewed → publicised in the village for the pack's period;
publicised → objected (an objection during publicity) or confirmed (after the period);
objected → reviewed (the town group reviews again, then publicises again) or withdrawn.
"""

from __future__ import annotations

from pubcredit.core.errors import ValidationFailed
from pubcredit.evaluation.models import RatingState

RATING_TRANSITIONS: dict[str, frozenset[str]] = {
    RatingState.PROPOSED: frozenset({RatingState.REVIEWED, RatingState.WITHDRAWN}),
    RatingState.REVIEWED: frozenset({RatingState.PUBLICISED}),
    RatingState.PUBLICISED: frozenset({RatingState.OBJECTED, RatingState.CONFIRMED}),
    RatingState.OBJECTED: frozenset({RatingState.REVIEWED, RatingState.WITHDRAWN}),
    RatingState.CONFIRMED: frozenset(),
    RatingState.WITHDRAWN: frozenset(),
}


def rating_may_move(current: str, target: str) -> bool:
    return target in RATING_TRANSITIONS.get(current, frozenset())


def require_rating_transition(*, number: str, current: str, target: str) -> None:
    if rating_may_move(current, target):
        return
    now = RatingState(current).label if current in RatingState.values else current
    wanted = RatingState(target).label if target in RatingState.values else target
    raise ValidationFailed(f"农户信用等级评价 {number} 的状态为“{now}”，不能改为“{wanted}”", field="state")
