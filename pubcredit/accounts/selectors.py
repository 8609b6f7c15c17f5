"""Reads of accounts: roles of a user, and what each user may list."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from pubcredit.accounts.models import ApiClient, Organisation, RoleGrant, User
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role

# Roles that oversee the whole platform and therefore see every organisation and client.
_OVERSIGHT_ROLES = {Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR}


def user_roles(user: User | AnonymousUser | None) -> set[Role]:
    """Active granted roles; everyone, signed in or not, also holds `public`."""
    if user is None or not isinstance(user, User) or not user.is_active:
        return {Role.PUBLIC}
    return set(user.roles)


def user_has_role(user: User | AnonymousUser | None, role: Role) -> bool:
    return role in user_roles(user)


def _oversees(user: User | AnonymousUser | None) -> bool:
    if isinstance(user, User) and user.is_active and user.is_superuser:
        return True
    return bool(user_roles(user) & _OVERSIGHT_ROLES)


def organisations_visible_to(user: User | AnonymousUser | None) -> QuerySet[Organisation]:
    """Oversight roles see all organisations; staff see their own; everyone else none."""
    if _oversees(user):
        return Organisation.objects.all()
    if isinstance(user, User) and user.is_active and user.organisation_id is not None:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()


def api_clients_visible_to(user: User | AnonymousUser | None) -> QuerySet[ApiClient]:
    """Oversight roles see every client; staff see their organisation's clients."""
    clients = ApiClient.objects.select_related("organisation")
    if _oversees(user):
        return clients.all()
    if isinstance(user, User) and user.is_active and user.organisation_id is not None:
        return clients.filter(organisation_id=user.organisation_id)
    return clients.none()


def role_grants_of(user: User, *, include_revoked: bool = False) -> QuerySet[RoleGrant]:
    grants = RoleGrant.objects.filter(user=user).select_related("organisation", "granted_by")
    return grants if include_revoked else grants.filter(revoked_at__isnull=True)


def organisation_get(organisation_id: int) -> Organisation:
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise NotFound(f"单位“{organisation_id}”不存在", field="organisation") from None


def api_client_find_by_digest(digest: str) -> ApiClient | None:
    return ApiClient.objects.select_related("organisation").filter(token_hash=digest).first()
