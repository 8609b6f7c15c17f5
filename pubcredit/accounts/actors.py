"""Who is acting: a signed-in user, an API client calling with a token, or nobody.

Services take `actor` as any of these, so that the same write works from a page, from the API
with a session, and from a provider's system with a token.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from pubcredit.accounts.models import ApiClient, OrganisationKind, User
from pubcredit.accounts.selectors import user_has_role, user_roles
from pubcredit.core.errors import PermissionDenied
from pubcredit.core.roles import Role

Actor = User | ApiClient | AnonymousUser | None


def is_superuser(actor: Actor) -> bool:
    return isinstance(actor, User) and actor.is_active and actor.is_superuser


def client_roles(client: ApiClient) -> set[Role]:
    """An API client acts in the roles its organisation plays; a revoked client has none."""
    if not client.active:
        return set()
    organisation = client.organisation
    roles: set[Role] = set()
    if organisation.is_provider:
        roles.add(Role.PROVIDER)
    if organisation.is_consumer:
        roles.add(Role.CONSUMER)
    if organisation.kind == OrganisationKind.CREDIT_CENTRE:
        roles.add(Role.OPERATOR)
    return roles


def actor_has_role(actor: Actor, role: Role) -> bool:
    if isinstance(actor, ApiClient):
        return role in client_roles(actor)
    return user_has_role(actor, role)


def actor_may(actor: Actor, *roles: Role, scope: str | None = None) -> bool:
    """True for a superuser, a user holding any of `roles`, or a client with `scope` and such a role."""
    if is_superuser(actor):
        return True
    if isinstance(actor, ApiClient):
        if scope is None or not actor.has_scope(scope):
            return False
        return bool(client_roles(actor) & set(roles))
    return bool(user_roles(actor) & set(roles))


def audit_identity(actor: Actor) -> tuple[User | AnonymousUser | None, dict[str, Any]]:
    """The user for the audit log plus extra data naming an API client, which is not a user."""
    if isinstance(actor, ApiClient):
        return None, {
            "api_client_id": actor.pk,
            "api_client": actor.name,
            "organisation_id": actor.organisation_id,
        }
    return actor, {}


def actor_user_and_label(actor: Actor) -> tuple[User | None, str]:
    """Who to store as the author of a row: the signed-in user (None for an API client or the
    system) and a label that stays readable, naming the API client where there is one."""
    user, extra = audit_identity(actor)
    label = extra.get("api_client") or (str(user) if user is not None else "system")
    return (user if isinstance(user, User) and user.pk else None), str(label)[:150]


def actor_label(actor: Actor) -> str:
    """How a refusal names the actor: the user or client, or 匿名用户 when nobody is signed in."""
    return str(actor) if actor is not None and getattr(actor, "is_authenticated", False) else "匿名用户"


def subject_account_id(actor: Actor) -> int | None:
    """The subject an actor acts for as that subject's own active account (信用主体), else None."""
    if isinstance(actor, User) and actor.is_active and actor.subject_id is not None and actor.has_role(Role.SUBJECT):
        return actor.subject_id
    return None


def require_subject_account(actor: Actor, *, refused: str) -> tuple[User, int]:
    """The active account of a credit subject (信用主体) acting for itself, and the subject's id;
    `refused` ends the Chinese refusal for anyone else (what they may not do, and the article)."""
    subject_id = subject_account_id(actor)
    if subject_id is None or not isinstance(actor, User):
        raise PermissionDenied(f"“{actor_label(actor)}”不是信用主体的账号，{refused}")
    return actor, subject_id
