from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.utils import timezone

from pubcredit.accounts.models import ApiClient, Organisation, RoleGrant, User
from pubcredit.accounts.services import (
    AuthenticationFailed,
    api_client_authenticate,
    api_client_create,
    api_client_revoke,
    organisation_create,
    organisation_update,
    role_grant,
    role_revoke,
    user_create,
)
from pubcredit.accounts.tests.factories import (
    PASSWORD,
    ApiClientFactory,
    AuditorFactory,
    ConsumerOrganisationFactory,
    OperatorFactory,
    OrganisationFactory,
    ProviderClerkFactory,
    ProviderOrganisationFactory,
    SuperuserFactory,
    UserFactory,
    anonymous,
)
from pubcredit.accounts.tokens import token_digest
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.core.roles import Role
from pubcredit.subjects.tests.factories import OrgSubjectFactory, make_uscc

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int, int]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        RoleGrant.objects.count(),
        ApiClient.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(call: Callable[[], Any], error: type[DomainError] = PermissionDenied) -> DomainError:
    before = _counts()
    with pytest.raises(error) as caught:
        call()
    assert _counts() == before, "a refused write must leave nothing behind"
    return caught.value


# --- organisations ---------------------------------------------------------------------------


def test_operator_creates_an_organisation_audited() -> None:
    operator = OperatorFactory.create()
    organisation = organisation_create(
        actor=operator, name=" 西安市税务局 ", short_name="税务局", uscc=make_uscc(7, head="11"), is_provider=True
    )
    assert organisation.name == "西安市税务局"
    event = AuditEvent.objects.get(action="accounts.organisation_create")
    assert event.actor_id == operator.pk
    assert event.target_id == str(organisation.pk)


@pytest.mark.parametrize("persona", [ProviderClerkFactory, AuditorFactory, UserFactory])
def test_only_the_operator_creates_organisations(persona: Callable[[], User]) -> None:
    actor = persona()
    error = _refused(lambda: organisation_create(actor=actor, name="西安市某局"))
    assert error.message == "只有信用中心可以新建单位"


def test_anonymous_cannot_create_organisations() -> None:
    _refused(lambda: organisation_create(actor=anonymous(), name="西安市某局"))


def test_organisation_uscc_is_checked_and_unique() -> None:
    operator = OperatorFactory.create()
    bad = "91610000X12345678A"
    error = _refused(lambda: organisation_create(actor=operator, name="甲", uscc=bad), ValidationFailed)
    assert error.field == "uscc"
    assert "校验位错误" in error.message
    existing = OrganisationFactory.create()
    error = _refused(lambda: organisation_create(actor=operator, name="乙", uscc=existing.uscc), ValidationFailed)
    assert "已被其他单位使用" in error.message
    _refused(lambda: organisation_create(actor=operator, name=existing.name), ValidationFailed)
    _refused(lambda: organisation_create(actor=operator, name="丙", kind="ministry"), ValidationFailed)


# --- users and roles -------------------------------------------------------------------------


def test_user_create_with_roles_and_password() -> None:
    operator = OperatorFactory.create()
    organisation = ProviderOrganisationFactory.create()
    user = user_create(
        actor=operator,
        username="clerk.zhang",
        password=PASSWORD,
        display_name="张三",
        organisation=organisation,
        roles=[Role.PROVIDER],
    )
    assert user.roles == {Role.PUBLIC, Role.PROVIDER}
    assert authenticate(username="clerk.zhang", password=PASSWORD) == user
    grant = RoleGrant.objects.get(user=user)
    assert grant.organisation == organisation
    assert grant.granted_by == operator
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["accounts.user_create", "accounts.role_grant"]


def test_subject_account_gets_the_subject_role() -> None:
    subject = OrgSubjectFactory.create()
    user = user_create(actor=OperatorFactory.create(), username="org-account", subject=subject)
    assert user.roles == {Role.PUBLIC, Role.SUBJECT}
    assert not user.has_usable_password()


def test_user_create_refusals_write_nothing() -> None:
    operator = OperatorFactory.create()
    existing = UserFactory.create()
    clerk = ProviderClerkFactory.create()
    _refused(lambda: user_create(actor=clerk, username="x"))
    error = _refused(lambda: user_create(actor=operator, username=existing.username), ValidationFailed)
    assert error.message == f"用户名“{existing.username}”已被使用"
    error = _refused(lambda: user_create(actor=operator, username="weak", password="123"), ValidationFailed)
    assert error.field == "password"
    # A role that cannot be granted rolls the new user back too.
    _refused(lambda: user_create(actor=operator, username="nobody", roles=[Role.PROVIDER]), ValidationFailed)


def test_superuser_may_grant() -> None:
    user = UserFactory.create()
    grant = role_grant(actor=SuperuserFactory.create(), user=user, role=Role.AUDITOR)
    assert grant.active
    assert user.has_role(Role.AUDITOR)


def test_granting_twice_returns_the_same_grant() -> None:
    operator = OperatorFactory.create()
    user = UserFactory.create()
    first = role_grant(actor=operator, user=user, role="auditor")
    assert role_grant(actor=operator, user=user, role=Role.AUDITOR) == first
    assert AuditEvent.objects.filter(action="accounts.role_grant").count() == 1


def test_grant_refusals() -> None:
    operator = OperatorFactory.create()
    user = UserFactory.create()
    assert "公众" in str(_refused(lambda: role_grant(actor=operator, user=user, role=Role.PUBLIC), ValidationFailed))
    _refused(lambda: role_grant(actor=operator, user=user, role="king"), ValidationFailed)
    error = _refused(lambda: role_grant(actor=operator, user=user, role=Role.SUBJECT), ValidationFailed)
    assert "未关联信用主体" in str(error)
    consumer_org = ConsumerOrganisationFactory.create()
    error = _refused(
        lambda: role_grant(actor=operator, user=user, role=Role.PROVIDER, organisation=consumer_org), ValidationFailed
    )
    assert str(error) == f"单位“{consumer_org.name}”不是信息提供单位，不能授予“信息提供单位”角色"
    clerk = ProviderClerkFactory.create()
    _refused(lambda: role_grant(actor=clerk, user=user, role=Role.AUDITOR))


def test_revoke_keeps_the_row_and_removes_the_role() -> None:
    operator = OperatorFactory.create()
    user = UserFactory.create()
    role_grant(actor=operator, user=user, role=Role.AUTHORITY)
    grant = role_revoke(actor=operator, user=user, role=Role.AUTHORITY)
    assert grant.revoked_at is not None
    assert user.roles == {Role.PUBLIC}
    assert RoleGrant.objects.filter(user=user).count() == 1
    _refused(lambda: role_revoke(actor=operator, user=user, role=Role.AUTHORITY), NotFound)
    auditor = AuditorFactory.create()
    _refused(lambda: role_revoke(actor=auditor, user=operator, role=Role.OPERATOR))


# --- API clients -----------------------------------------------------------------------------


def test_api_client_create_shows_the_token_once_and_stores_its_digest() -> None:
    organisation = ProviderOrganisationFactory.create()
    operator = OperatorFactory.create()
    scopes = ["query", "collect", "collect"]
    client, token = api_client_create(actor=operator, organisation=organisation, name="市场监管归集", scopes=scopes)
    assert client.scopes == ["collect", "query"]
    assert client.token_prefix == token[:8]
    assert client.token_hash == token_digest(token)
    event = AuditEvent.objects.get(action="accounts.api_client_create")
    assert token not in str(event.data)
    assert api_client_authenticate(token, scope="collect") == client


def test_api_client_create_refusals() -> None:
    operator = OperatorFactory.create()
    organisation = ProviderOrganisationFactory.create()
    error = _refused(
        lambda: api_client_create(actor=operator, organisation=organisation, name="x", scopes=["admin"]),
        ValidationFailed,
    )
    assert str(error) == "授权范围“admin”不存在，可选：collect、query、share、exchange、check"
    error = _refused(
        lambda: api_client_create(actor=operator, organisation=organisation, name="x", scopes=[]), ValidationFailed
    )
    assert error.field == "scopes"
    clerk = ProviderClerkFactory.create()
    _refused(lambda: api_client_create(actor=clerk, organisation=organisation, name="x", scopes=["collect"]))
    inactive = OrganisationFactory.create(active=False)
    _refused(
        lambda: api_client_create(actor=operator, organisation=inactive, name="x", scopes=["collect"]), ValidationFailed
    )


@time_machine.travel("2026-11-22 10:00:00+08:00", tick=False)
def test_revoked_unknown_and_out_of_scope_tokens_are_refused() -> None:
    client = ApiClientFactory.create(scopes=["collect"])
    with pytest.raises(PermissionDenied) as caught:
        api_client_authenticate(client.plain_token, scope="query")
    assert str(caught.value) == f"API 客户端“{client.name}”没有“查询”（query）授权范围"
    with pytest.raises(AuthenticationFailed, match="访问令牌无效"):
        api_client_authenticate(client.plain_token + "x", scope="collect")
    api_client_revoke(actor=OperatorFactory.create(), client=client)
    with pytest.raises(AuthenticationFailed) as caught:
        api_client_authenticate(client.plain_token, scope="collect")
    assert str(caught.value) == f"API 客户端“{client.name}”的访问令牌已于2026-11-22撤销"
    assert caught.value.code == "unauthenticated"


def test_token_of_an_inactive_organisation_is_refused() -> None:
    client = ApiClientFactory.create()
    Organisation.objects.filter(pk=client.organisation_id).update(active=False)
    with pytest.raises(AuthenticationFailed, match="已停用"):
        api_client_authenticate(client.plain_token, scope="collect")


def test_last_used_is_written_at_most_once_a_minute() -> None:
    client = ApiClientFactory.create()
    with time_machine.travel("2026-11-22 10:00:00+08:00", tick=False):
        api_client_authenticate(client.plain_token, scope="collect")
        first = timezone.now()
    with time_machine.travel("2026-11-22 10:00:59+08:00", tick=False):
        api_client_authenticate(client.plain_token, scope="collect")
    client.refresh_from_db()
    assert client.last_used_at == first
    with time_machine.travel("2026-11-22 10:01:00+08:00", tick=False):
        api_client_authenticate(client.plain_token, scope="collect")
        second = timezone.now()
    client.refresh_from_db()
    assert client.last_used_at == second


def test_revoke_is_operator_only_and_idempotent() -> None:
    client = ApiClientFactory.create()
    clerk = ProviderClerkFactory.create(organisation=client.organisation)
    _refused(lambda: api_client_revoke(actor=clerk, client=client))
    operator = OperatorFactory.create()
    revoked_at = api_client_revoke(actor=operator, client=client).revoked_at
    assert api_client_revoke(actor=operator, client=client).revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="accounts.api_client_revoke").count() == 1


def test_organisation_update_changes_only_attributes() -> None:
    operator = OperatorFactory.create()
    organisation = OrganisationFactory.create()
    error = _refused(
        lambda: organisation_update(actor=operator, organisation=organisation, name="改名"), ValidationFailed
    )
    assert error.message == "单位字段“name”不能修改"
    _refused(
        lambda: organisation_update(actor=operator, organisation=organisation, parent=organisation), ValidationFailed
    )
    clerk = ProviderClerkFactory.create()
    _refused(lambda: organisation_update(actor=clerk, organisation=organisation, active=False))
    organisation_update(actor=operator, organisation=organisation, active=False, is_consumer=True)
    organisation.refresh_from_db()
    assert not organisation.active
    event = AuditEvent.objects.get(action="accounts.organisation_update")
    assert event.data["before"] == {"active": True, "is_consumer": False}


@pytest.mark.django_db
def test_admin_access_follows_staff_roles() -> None:
    from pubcredit.accounts.services import role_grant, role_revoke
    from pubcredit.accounts.tests.factories import OperatorFactory, UserFactory
    from pubcredit.core.roles import Role

    operator = OperatorFactory.create()
    user = UserFactory.create()
    assert not user.is_staff
    role_grant(actor=operator, user=user, role=Role.AUDITOR)
    user.refresh_from_db()
    assert user.is_staff
    role_revoke(actor=operator, user=user, role=Role.AUDITOR)
    user.refresh_from_db()
    assert not user.is_staff
