"""Writes of accounts. Only the credit centre (or a superuser) manages accounts, roles and clients."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, actor_may, audit_identity
from pubcredit.accounts.models import (
    ApiClient,
    ApiScope,
    Organisation,
    OrganisationKind,
    ReportingFrequency,
    RoleGrant,
    User,
)
from pubcredit.accounts.selectors import api_client_find_by_digest
from pubcredit.accounts.tokens import generate_token, token_digest, token_prefix
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.subjects.identifiers import require_uscc

LAST_USED_GRANULARITY = timedelta(minutes=1)


class AuthenticationFailed(PermissionDenied):
    """No credentials, or credentials that do not identify an active client."""

    code = "unauthenticated"


def _require_operator(actor: Actor, what: str) -> None:
    if not actor_may(actor, Role.OPERATOR):
        raise PermissionDenied(f"只有信用中心可以{what}")


def _audit(actor: Actor, action: str, target: models.Model, data: dict[str, object]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=target, data={**data, **extra})


# --- organisations ---------------------------------------------------------------------------


def organisation_create(
    *,
    actor: Actor,
    name: str,
    kind: str = OrganisationKind.DEPARTMENT,
    short_name: str = "",
    uscc: str | None = None,
    is_provider: bool = False,
    is_consumer: bool = False,
    district: str = "",
    parent: Organisation | None = None,
    reporting_frequency: str = "",
) -> Organisation:
    _require_operator(actor, "新建单位")
    name = name.strip()
    if not name:
        raise ValidationFailed("单位名称不能为空", field="name")
    if kind not in OrganisationKind.values:
        raise ValidationFailed(f"单位类型“{kind}”无效，可选：{'、'.join(OrganisationKind.values)}", field="kind")
    if reporting_frequency and reporting_frequency not in ReportingFrequency.values:
        raise ValidationFailed(f"报送频率“{reporting_frequency}”无效", field="reporting_frequency")
    code = require_uscc(uscc).value if uscc else None
    if Organisation.objects.filter(name=name).exists():
        raise ValidationFailed(f"单位“{name}”已存在", field="name")
    if code and Organisation.objects.filter(uscc=code).exists():
        raise ValidationFailed(f"统一社会信用代码“{code}”已被其他单位使用", field="uscc")
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name,
            short_name=short_name.strip(),
            uscc=code,
            kind=kind,
            is_provider=is_provider,
            is_consumer=is_consumer,
            district=district.strip(),
            parent=parent,
            reporting_frequency=reporting_frequency,
        )
        _audit(
            actor,
            "accounts.organisation_create",
            organisation,
            {"name": name, "kind": kind, "is_provider": is_provider, "is_consumer": is_consumer},
        )
    return organisation


_ORGANISATION_EDITABLE = (
    "short_name",
    "kind",
    "is_provider",
    "is_consumer",
    "district",
    "parent",
    "reporting_frequency",
    "active",
)


def organisation_update(*, actor: Actor, organisation: Organisation, **changes: object) -> Organisation:
    """Change an organisation's attributes (not its name or USCC, which identify it)."""
    _require_operator(actor, "修改单位")
    unknown = sorted(set(changes) - set(_ORGANISATION_EDITABLE))
    if unknown:
        raise ValidationFailed(f"单位字段“{unknown[0]}”不能修改", field=unknown[0])
    if "kind" in changes and changes["kind"] not in OrganisationKind.values:
        raise ValidationFailed(f"单位类型“{changes['kind']}”无效", field="kind")
    if changes.get("reporting_frequency") and changes["reporting_frequency"] not in ReportingFrequency.values:
        raise ValidationFailed(f"报送频率“{changes['reporting_frequency']}”无效", field="reporting_frequency")
    if changes.get("parent") == organisation:
        raise ValidationFailed("单位不能是自己的上级单位", field="parent")
    changed = {field: value for field, value in changes.items() if getattr(organisation, field) != value}
    if not changed:
        return organisation
    before = {field: _plain(getattr(organisation, field)) for field in changed}
    with transaction.atomic():
        for field, value in changed.items():
            setattr(organisation, field, value)
        organisation.save(update_fields=list(changed))
        _audit(
            actor,
            "accounts.organisation_update",
            organisation,
            {"before": before, "after": {field: _plain(value) for field, value in changed.items()}},
        )
    return organisation


def _plain(value: object) -> object:
    return value.pk if isinstance(value, models.Model) else value


# Roles that work in the admin: operators configure, authority and auditors read.
ADMIN_ROLES = (Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR)

# --- users and roles -------------------------------------------------------------------------


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str | None = None,
    display_name: str = "",
    email: str = "",
    organisation: Organisation | None = None,
    subject: object | None = None,
    roles: Iterable[Role] = (),
) -> User:
    """Create an account; `subject` makes it that subject's account and grants the subject role."""
    _require_operator(actor, "新建用户")
    username = username.strip()
    if not username:
        raise ValidationFailed("用户名不能为空", field="username")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户名“{username}”已被使用", field="username")
    candidate = User(
        username=username, display_name=display_name.strip(), email=email.strip(), organisation=organisation
    )
    if subject is not None:
        candidate.subject = subject  # type: ignore[assignment]
    if password is not None:
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            raise ValidationFailed("；".join(exc.messages), field="password") from None
    wanted = set(roles) | ({Role.SUBJECT} if subject is not None else set())
    with transaction.atomic():
        if password is None:
            candidate.set_unusable_password()
        else:
            candidate.set_password(password)
        candidate.save()
        _audit(
            actor,
            "accounts.user_create",
            candidate,
            {"username": username, "organisation_id": candidate.organisation_id, "subject_id": candidate.subject_id},
        )
        for role in sorted(wanted):
            role_grant(actor=actor, user=candidate, role=role)
    return candidate


def user_save_from_admin(*, actor: Actor, user: User, created: bool, changed_fields: Iterable[str]) -> User:
    """Save a user edited in the admin (whose forms hash the password) and audit which fields changed."""
    _require_operator(actor, "新建或修改用户")
    fields = sorted(set(changed_fields) - {"password1", "password2"})
    with transaction.atomic():
        user.save()
        _audit(
            actor,
            "accounts.user_create" if created else "accounts.user_update",
            user,
            {"username": user.username, "fields": fields},
        )
    user.forget_roles()
    return user


def _grant_organisation(user: User, role: Role, organisation: Organisation | None) -> Organisation | None:
    if role in (Role.PROVIDER, Role.CONSUMER):
        organisation = organisation or user.organisation
        if organisation is None:
            raise ValidationFailed(f"授予“{role.label}”角色必须指定单位", field="organisation")
        plays_role = organisation.is_provider if role == Role.PROVIDER else organisation.is_consumer
        if not plays_role:
            raise ValidationFailed(
                f"单位“{organisation.name}”不是{role.label}，不能授予“{role.label}”角色", field="organisation"
            )
    if organisation is not None and not organisation.active:
        raise ValidationFailed(f"单位“{organisation.name}”已停用", field="organisation")
    return organisation


def _sync_admin_access(user: User) -> None:
    """Admin access (is_staff) follows the staff roles, so granting or revoking a role is enough."""
    staff = (
        user.is_superuser or RoleGrant.objects.filter(user=user, role__in=ADMIN_ROLES, revoked_at__isnull=True).exists()
    )
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def role_grant(*, actor: Actor, user: User, role: Role | str, organisation: Organisation | None = None) -> RoleGrant:
    """Give `user` a role; granting a role already held returns the existing grant."""
    _require_operator(actor, "授予角色")
    if role not in Role.values:
        raise ValidationFailed(f"角色“{role}”不存在，可选：{'、'.join(Role.values)}", field="role")
    role = Role(role)
    if role == Role.PUBLIC:
        raise ValidationFailed("“公众”是所有人的默认角色，无需授予", field="role")
    if role == Role.SUBJECT and user.subject_id is None:
        raise ValidationFailed(f"用户“{user.username}”未关联信用主体，不能授予“信用主体”角色", field="role")
    organisation = _grant_organisation(user, role, organisation)
    active = RoleGrant.objects.filter(user=user, role=role, organisation=organisation, revoked_at__isnull=True)
    existing = active.first()
    if existing is not None:
        return existing
    granted_by = actor if isinstance(actor, User) else None
    with transaction.atomic():
        grant = RoleGrant.objects.create(user=user, role=role, organisation=organisation, granted_by=granted_by)
        _sync_admin_access(user)
        _audit(
            actor,
            "accounts.role_grant",
            grant,
            {"user_id": user.pk, "role": role.value, "organisation_id": organisation.pk if organisation else None},
        )
    user.forget_roles()
    return grant


def role_revoke(*, actor: Actor, user: User, role: Role | str, organisation: Organisation | None = None) -> RoleGrant:
    """End an active grant; the row stays, with its revocation time, for the record."""
    _require_operator(actor, "撤销角色")
    if role not in Role.values:
        raise ValidationFailed(f"角色“{role}”不存在", field="role")
    role = Role(role)
    grants = RoleGrant.objects.filter(user=user, role=role, revoked_at__isnull=True)
    if organisation is not None:
        grants = grants.filter(organisation=organisation)
    with transaction.atomic():
        grant = grants.select_for_update().first()
        if grant is None:
            raise NotFound(f"用户“{user.username}”没有有效的“{role.label}”角色", field="role")
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        _sync_admin_access(user)
        _audit(actor, "accounts.role_revoke", grant, {"user_id": user.pk, "role": role.value})
    user.forget_roles()
    return grant


# --- API clients -----------------------------------------------------------------------------


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(scopes))
    if not chosen:
        raise ValidationFailed("至少需要一个授权范围", field="scopes")
    for scope in chosen:
        if scope not in ApiScope.values:
            raise ValidationFailed(f"授权范围“{scope}”不存在，可选：{'、'.join(ApiScope.values)}", field="scopes")
    return [scope for scope in ApiScope.values if scope in chosen]


def api_client_create(
    *, actor: Actor, organisation: Organisation, name: str, scopes: Iterable[str]
) -> tuple[ApiClient, str]:
    """Create a client and return its token, which is never stored and cannot be shown again."""
    _require_operator(actor, "新建 API 客户端")
    name = name.strip()
    if not name:
        raise ValidationFailed("API 客户端名称不能为空", field="name")
    if not organisation.active:
        raise ValidationFailed(f"单位“{organisation.name}”已停用，不能新建 API 客户端", field="organisation")
    chosen = _clean_scopes(scopes)
    token = generate_token()
    with transaction.atomic():
        try:
            with transaction.atomic():
                client = ApiClient.objects.create(
                    organisation=organisation,
                    name=name,
                    token_prefix=token_prefix(token),
                    token_hash=token_digest(token),
                    scopes=chosen,
                )
        except IntegrityError:  # a 240-bit collision: practically impossible, but never reuse a digest
            raise ValidationFailed("生成访问令牌失败，请重试") from None
        _audit(
            actor,
            "accounts.api_client_create",
            client,
            {"organisation_id": organisation.pk, "name": name, "scopes": chosen, "token_prefix": client.token_prefix},
        )
    return client, token


def api_client_revoke(*, actor: Actor, client: ApiClient) -> ApiClient:
    _require_operator(actor, "撤销 API 客户端")
    if client.revoked_at is not None:
        return client
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        _audit(actor, "accounts.api_client_revoke", client, {"token_prefix": client.token_prefix})
    return client


def api_client_authenticate(token: str, *, scope: str) -> ApiClient:
    """The active client holding `token` and `scope`; notes its use at most once a minute.

    The use time is bookkeeping, not a change of the client, so it is not audited; the minute's
    granularity keeps a busy client from writing on every request.
    """
    token = token.strip()
    client = api_client_find_by_digest(token_digest(token)) if token else None
    if client is None:
        raise AuthenticationFailed("访问令牌无效，请检查令牌是否完整")
    if client.revoked_at is not None:
        revoked_on = timezone.localtime(client.revoked_at).date().isoformat()
        raise AuthenticationFailed(f"API 客户端“{client.name}”的访问令牌已于{revoked_on}撤销")
    if not client.organisation.active:
        raise AuthenticationFailed(f"单位“{client.organisation.name}”已停用，其访问令牌不能使用")
    if not client.has_scope(scope):
        label = ApiScope(scope).label if scope in ApiScope.values else scope
        raise PermissionDenied(f"API 客户端“{client.name}”没有“{label}”（{scope}）授权范围")
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_GRANULARITY:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client
