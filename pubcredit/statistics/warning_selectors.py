"""Reads of early warnings; `warnings_visible_to` decides who sees which.

The credit centre (operators) and the authority oversee every warning (西安 第六条: the platform
monitors; the authority supervises); a provider's or consumer's clerk sees the warnings whose
responsible organisation is their own; everyone else sees none.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from pubcredit.accounts.actors import actor_may, is_superuser
from pubcredit.accounts.models import User
from pubcredit.core.roles import Role
from pubcredit.statistics.models import EarlyWarning, WarningKind, WarningState


def warnings_oversees(user: User | AnonymousUser | None) -> bool:
    """Operators and the authority see every warning."""
    if user is None or not user.is_authenticated:
        return False
    return is_superuser(user) or actor_may(user, Role.OPERATOR, Role.AUTHORITY)


def warnings_own_organisation_id(user: User | AnonymousUser | None) -> int | None:
    """The organisation whose warnings a provider's or consumer's clerk sees, if any."""
    if user is None or not user.is_authenticated:
        return None
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is not None and actor_may(user, Role.PROVIDER, Role.CONSUMER):
        return int(organisation_id)
    return None


def warnings_visible_to(user: User | AnonymousUser | None) -> QuerySet[EarlyWarning]:
    warnings = EarlyWarning.objects.select_related("organisation", "handled_by")
    if warnings_oversees(user):
        return warnings.all()
    organisation_id = warnings_own_organisation_id(user)
    if organisation_id is not None:
        return warnings.filter(organisation_id=organisation_id)
    return warnings.none()


def warnings_list(
    user: User | AnonymousUser | None, *, kind: str | None = None, state: str | None = None
) -> QuerySet[EarlyWarning]:
    """The visible warnings, newest first, optionally of one kind and one state (unknown values
    are refused by the page before they get here)."""
    warnings = warnings_visible_to(user)
    if kind:
        if kind not in WarningKind.values:
            raise ValueError(f"unknown warning kind {kind!r}")
        warnings = warnings.filter(kind=kind)
    if state:
        if state not in WarningState.values:
            raise ValueError(f"unknown warning state {state!r}")
        warnings = warnings.filter(state=state)
    return warnings.order_by("-raised_at", "-id")
