"""Which status a self-declaration (自主申报) may move to from which, as one table.

A declaration is reviewed once (approved or rejected); only an approved one can later be found
false, because only an approved one has become a credit record that must be taken back.
Rejected and found-false declarations are final: the subject submits a new declaration instead.
"""

from __future__ import annotations

from pubcredit.collection.models import DeclarationStatus
from pubcredit.core.errors import ValidationFailed

DECLARATION_TRANSITIONS: dict[str, frozenset[str]] = {
    DeclarationStatus.SUBMITTED: frozenset({DeclarationStatus.APPROVED, DeclarationStatus.REJECTED}),
    DeclarationStatus.APPROVED: frozenset({DeclarationStatus.FOUND_FALSE}),
    DeclarationStatus.REJECTED: frozenset(),
    DeclarationStatus.FOUND_FALSE: frozenset(),
}


def declaration_may_move(current: str, target: str) -> bool:
    return target in DECLARATION_TRANSITIONS.get(current, frozenset())


def require_declaration_transition(*, pk: int | None, current: str, target: str) -> None:
    """Refuse a move the table does not allow, naming both statuses in Chinese."""
    if declaration_may_move(current, target):
        return
    allowed = DECLARATION_TRANSITIONS.get(current, frozenset())
    now = DeclarationStatus(current).label if current in DeclarationStatus.values else current
    wanted = DeclarationStatus(target).label if target in DeclarationStatus.values else target
    hint = (
        "可改为：" + "、".join(DeclarationStatus(s).label for s in sorted(allowed))
        if allowed
        else "该状态为最终状态，不能再变更"
    )
    raise ValidationFailed(f"自主申报 {pk} 的状态为“{now}”，不能改为“{wanted}”（{hint}）", field="status")
