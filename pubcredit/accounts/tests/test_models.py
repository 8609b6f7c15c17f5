import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from pubcredit.accounts.models import RoleGrant
from pubcredit.accounts.tests.factories import (
    PERSONAS,
    ApiClientFactory,
    OperatorFactory,
    ProviderClerkFactory,
    UserFactory,
    anonymous,
)
from pubcredit.core.roles import Role

pytestmark = pytest.mark.django_db


def test_role_labels_are_chinese() -> None:
    assert Role.OPERATOR.label == "信用中心"
    assert Role.PUBLIC.label == "公众"
    assert set(Role.values) == {"public", "subject", "provider", "consumer", "operator", "authority", "auditor"}


@pytest.mark.parametrize("role", list(PERSONAS))
def test_each_persona_holds_its_role_and_public(role: Role) -> None:
    user = PERSONAS[role].create()
    assert user.roles == {role, Role.PUBLIC}


def test_persona_organisations_play_their_part() -> None:
    assert ProviderClerkFactory.create().organisation.is_provider
    assert OperatorFactory.create().organisation.kind == "credit_centre"


def test_anonymous_is_not_authenticated() -> None:
    assert not anonymous().is_authenticated


def test_plain_user_is_only_public() -> None:
    assert UserFactory.create().roles == {Role.PUBLIC}


def test_several_roles_and_revocation_are_reflected() -> None:
    user = OperatorFactory.create()
    RoleGrant.objects.create(user=user, role=Role.AUDITOR)
    user.forget_roles()
    assert user.roles == {Role.PUBLIC, Role.OPERATOR, Role.AUDITOR}
    RoleGrant.objects.filter(user=user, role=Role.AUDITOR).update(revoked_at=timezone.now())
    user.forget_roles()
    assert user.roles == {Role.PUBLIC, Role.OPERATOR}


def test_one_active_grant_per_role_and_organisation() -> None:
    clerk = ProviderClerkFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=clerk, role=Role.PROVIDER, organisation=clerk.organisation)
    RoleGrant.objects.filter(user=clerk).update(revoked_at=timezone.now())
    RoleGrant.objects.create(user=clerk, role=Role.PROVIDER, organisation=clerk.organisation)
    assert RoleGrant.objects.filter(user=clerk).count() == 2


def test_one_active_grant_without_organisation() -> None:
    user = UserFactory.create()
    RoleGrant.objects.create(user=user, role=Role.AUDITOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=user, role=Role.AUDITOR)


def test_public_is_never_granted() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=UserFactory.create(), role=Role.PUBLIC)


def test_api_client_stores_no_token() -> None:
    client = ApiClientFactory.create()
    client.refresh_from_db()
    values = [str(getattr(client, field.attname)) for field in client._meta.concrete_fields]
    assert client.plain_token not in values
    assert client.token_prefix == client.plain_token[:8]
    assert len(client.token_hash) == 64
