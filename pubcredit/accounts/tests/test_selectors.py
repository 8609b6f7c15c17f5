import pytest

from pubcredit.accounts.actors import actor_has_role, actor_may, audit_identity
from pubcredit.accounts.selectors import (
    api_clients_visible_to,
    organisation_get,
    organisations_visible_to,
    user_has_role,
    user_roles,
)
from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    AuditorFactory,
    ConsumerOrganisationFactory,
    CreditCentreFactory,
    OperatorFactory,
    OrganisationFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
    SuperuserFactory,
    UserFactory,
    anonymous,
)
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role

pytestmark = pytest.mark.django_db


def test_everyone_is_public() -> None:
    assert user_roles(anonymous()) == {Role.PUBLIC}
    assert user_roles(None) == {Role.PUBLIC}
    assert user_has_role(anonymous(), Role.PUBLIC)
    assert not user_has_role(anonymous(), Role.OPERATOR)
    assert user_roles(UserFactory.create()) == {Role.PUBLIC}


def test_inactive_user_keeps_only_public() -> None:
    operator = OperatorFactory.create(is_active=False)
    assert user_roles(operator) == {Role.PUBLIC}


def test_organisations_visible_to() -> None:
    clerk = ProviderClerkFactory.create()
    other = OrganisationFactory.create()
    everyone = {clerk.organisation, other}
    assert set(organisations_visible_to(OperatorFactory.create())) >= everyone
    assert set(organisations_visible_to(AuditorFactory.create())) >= everyone
    assert set(organisations_visible_to(SuperuserFactory.create())) >= everyone
    assert list(organisations_visible_to(clerk)) == [clerk.organisation]
    assert not organisations_visible_to(anonymous()).exists()
    assert not organisations_visible_to(SubjectAccountFactory.create()).exists()


def test_api_clients_visible_to() -> None:
    mine = ApiClientFactory.create()
    theirs = ApiClientFactory.create()
    clerk = ProviderClerkFactory.create(organisation=mine.organisation)
    assert list(api_clients_visible_to(clerk)) == [mine]
    assert set(api_clients_visible_to(OperatorFactory.create())) == {mine, theirs}
    assert not api_clients_visible_to(anonymous()).exists()
    assert not api_clients_visible_to(UserFactory.create()).exists()


def test_client_acts_in_its_organisations_roles() -> None:
    provider_client = ApiClientFactory.create()
    consumer_client = ApiClientFactory.create(organisation=ConsumerOrganisationFactory.create(), scopes=["query"])
    centre_client = ApiClientFactory.create(organisation=CreditCentreFactory.create(), scopes=["exchange"])
    assert actor_has_role(provider_client, Role.PROVIDER)
    assert not actor_has_role(provider_client, Role.CONSUMER)
    assert actor_has_role(consumer_client, Role.CONSUMER)
    assert actor_has_role(centre_client, Role.OPERATOR)
    assert actor_may(provider_client, Role.PROVIDER, scope="collect")
    assert not actor_may(provider_client, Role.PROVIDER, scope="query")
    assert not actor_may(provider_client, Role.PROVIDER)
    assert not actor_may(consumer_client, Role.PROVIDER, scope="query")


def test_revoked_client_has_no_role() -> None:
    client = ApiClientFactory.create(revoked_at="2026-11-22T10:00:00+08:00")
    assert not actor_has_role(client, Role.PROVIDER)


def test_audit_identity_names_the_client() -> None:
    client = ApiClientFactory.create()
    user, extra = audit_identity(client)
    assert user is None
    assert extra == {"api_client_id": client.pk, "api_client": client.name, "organisation_id": client.organisation_id}
    clerk = ProviderClerkFactory.create()
    assert audit_identity(clerk) == (clerk, {})


def test_organisation_get() -> None:
    organisation = OrganisationFactory.create()
    assert organisation_get(organisation.pk) == organisation
    with pytest.raises(NotFound, match="单位“0”不存在"):
        organisation_get(0)
