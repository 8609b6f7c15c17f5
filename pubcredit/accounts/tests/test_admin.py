import re

import pytest
from django.test import Client

from pubcredit.accounts.models import ApiClient, Organisation, RoleGrant
from pubcredit.accounts.services import api_client_authenticate
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    OperatorFactory,
    ProviderClerkFactory,
    ProviderOrganisationFactory,
    UserFactory,
)
from pubcredit.core.models import AuditEvent
from pubcredit.core.roles import Role

pytestmark = pytest.mark.django_db


def _staff(factory: object) -> Client:
    browser = Client()
    browser.force_login(factory.create(is_staff=True))  # type: ignore[attr-defined]
    return browser


def test_operator_creates_a_client_and_sees_the_token_once() -> None:
    organisation = ProviderOrganisationFactory.create()
    browser = _staff(OperatorFactory)
    response = browser.post(
        "/admin/accounts/apiclient/add/",
        {"organisation": organisation.pk, "name": "市场监管归集", "scopes": ["collect", "query"]},
        follow=True,
    )
    page = response.content.decode()
    token = re.search(r"pc_[A-Za-z0-9_-]{40}", page)
    assert token is not None
    client = ApiClient.objects.get()
    assert api_client_authenticate(token.group(0), scope="query") == client
    detail = browser.get(f"/admin/accounts/apiclient/{client.pk}/change/").content.decode()
    assert token.group(0) not in detail
    assert client.token_prefix in detail
    assert AuditEvent.objects.filter(action="accounts.api_client_create").count() == 1


def test_operator_grants_and_revokes_roles_in_the_admin() -> None:
    browser = _staff(OperatorFactory)
    user = UserFactory.create()
    response = browser.post("/admin/accounts/rolegrant/add/", {"user": user.pk, "role": "auditor"})
    assert response.status_code == 302
    assert user.roles == {Role.PUBLIC, Role.AUDITOR}
    grant = RoleGrant.objects.get(user=user)
    browser.post(
        "/admin/accounts/rolegrant/",
        {"action": "revoke_selected", "_selected_action": [grant.pk]},
    )
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert [e.action for e in AuditEvent.objects.order_by("seq")][-2:] == [
        "accounts.role_grant",
        "accounts.role_revoke",
    ]


def test_operator_edits_an_organisation_audited() -> None:
    organisation = ProviderOrganisationFactory.create()
    browser = _staff(OperatorFactory)
    response = browser.post(
        f"/admin/accounts/organisation/{organisation.pk}/change/",
        {"short_name": "新简称", "kind": "department", "is_provider": "on", "district": "", "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation.refresh_from_db()
    assert organisation.short_name == "新简称"
    event = AuditEvent.objects.get(action="accounts.organisation_update")
    assert event.data["after"]["short_name"] == "新简称"


def test_auditor_may_look_but_not_change_and_clerks_see_nothing() -> None:
    organisation = ProviderOrganisationFactory.create()
    auditor = _staff(AuditorFactory)
    assert auditor.get("/admin/accounts/organisation/").status_code == 200
    assert auditor.get("/admin/accounts/organisation/add/").status_code == 403
    clerk = _staff(ProviderClerkFactory)
    assert clerk.get("/admin/accounts/organisation/").status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_operator_cannot_make_anyone_superuser() -> None:
    operator_browser = _staff(OperatorFactory)
    user = UserFactory.create()
    page = operator_browser.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
