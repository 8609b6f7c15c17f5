"""Pages of authorisations and sharing through Django's test client: who may open which page,
and that each form reaches its service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import AuthorityFactory, ConsumerClerkFactory, PersonSubjectAccountFactory
from pubcredit.disclosure.models.access import Authorisation, AuthorisationState, SharingAgreement
from pubcredit.disclosure.tests.test_access_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.disclosure.tests.test_access_fixtures import PDF, PURPOSE, Scene, document, grant

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_subject_grants_sees_and_revokes_an_authorisation(scene: Scene, today: dt.date) -> None:
    browser = signed_in(scene.account)
    assert browser.get("/disclosure/access/authorisations/new/").status_code == 200
    response = browser.post(
        "/disclosure/access/authorisations/new/",
        {
            "requester_organisation": scene.bank.pk,
            "item_codes": [scene.granted_code],
            "purpose": PURPOSE,
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    authorisation = Authorisation.objects.get(subject=scene.subject)
    listing = browser.get("/disclosure/access/authorisations/").content.decode()
    assert scene.bank.name in listing and PURPOSE in listing
    browser.post(f"/disclosure/access/authorisations/{authorisation.pk}/revoke/")
    authorisation.refresh_from_db()
    assert authorisation.state == AuthorisationState.REVOKED


def test_the_grant_form_shows_the_service_refusal(scene: Scene, today: dt.date) -> None:
    response = signed_in(scene.account).post(
        "/disclosure/access/authorisations/new/",
        {
            "requester_organisation": scene.bank.pk,
            "item_codes": [scene.granted_code],
            "purpose": PURPOSE,
            "valid_from": today.isoformat(),
            "valid_until": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "早于生效日期" in response.content.decode()
    assert not Authorisation.objects.exists()


def test_someone_elses_authorisation_cannot_be_revoked_and_staff_cannot_grant(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    other = signed_in(PersonSubjectAccountFactory.create())
    assert other.post(f"/disclosure/access/authorisations/{authorisation.pk}/revoke/").status_code == 404
    assert signed_in(scene.clerk).get("/disclosure/access/authorisations/").status_code == 403


def test_a_requester_uploads_and_an_operator_checks(scene: Scene, today: dt.date, operator: User) -> None:
    requester = signed_in(scene.clerk)
    response = requester.post(
        "/disclosure/access/received/upload/",
        {
            "uscc": scene.subject.uscc,
            "item_codes": [scene.granted_code],
            "purpose": PURPOSE,
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=60)).isoformat(),
            "document": document(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    written = Authorisation.objects.get(subject=scene.subject)
    assert written.state == AuthorisationState.PENDING
    assert str(written.pk) in requester.get("/disclosure/access/received/").content.decode()
    assert requester.get("/disclosure/access/checks/").status_code == 403

    centre = signed_in(operator)
    assert f"核验授权 {written.pk}" in centre.get("/disclosure/access/checks/").content.decode()
    download = centre.get(f"/disclosure/access/documents/{written.pk}/")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    centre.post(f"/disclosure/access/checks/{written.pk}/refuse/", {"refuse-reason": ""})
    written.refresh_from_db()
    assert written.state == AuthorisationState.PENDING
    centre.post(f"/disclosure/access/checks/{written.pk}/accept/", {"accept-reason": "签章一致"})
    written.refresh_from_db()
    assert (written.state, written.check_reason) == (AuthorisationState.ACTIVE, "签章一致")


def test_an_id_number_is_posted_never_put_in_a_url(scene: Scene, today: dt.date) -> None:
    response = signed_in(scene.clerk).post(
        "/disclosure/access/received/upload/",
        {
            "id_number": "610103197001010000",
            "item_codes": [scene.granted_code],
            "purpose": PURPOSE,
            "valid_from": today.isoformat(),
            "valid_until": today.isoformat(),
            "document": document(),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "未找到该信息主体" in page
    assert "610103197001010000" not in page


def test_the_centre_creates_the_authority_approves_and_ends_an_agreement(
    scene: Scene, today: dt.date, operator: User
) -> None:
    scene.bank.is_consumer = True
    scene.bank.save()
    centre = signed_in(operator)
    response = centre.post(
        "/disclosure/access/agreements/new/",
        {
            "consumer": scene.bank.pk,
            "item_codes": [scene.granted_code],
            "purpose": "行政许可审查",
            "legal_basis": "西安市公共信用信息管理办法 第二十条",
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get()
    authority = signed_in(AuthorityFactory.create())
    authority.post(f"/disclosure/access/agreements/{agreement.pk}/approve/")
    agreement.refresh_from_db()
    assert agreement.state == "approved"
    centre.post(f"/disclosure/access/agreements/{agreement.pk}/end/", {"reason": "职责调整"})
    agreement.refresh_from_db()
    assert (agreement.state, agreement.end_reason) == ("ended", "职责调整")
    assert signed_in(ConsumerClerkFactory.create()).get("/disclosure/access/agreements/").status_code == 403


def test_navigation_offers_the_pages_by_role(scene: Scene, operator: User) -> None:
    subject_page = signed_in(scene.account).get("/").content.decode()
    assert "/disclosure/access/authorisations/" in subject_page
    centre_page = signed_in(operator).get("/").content.decode()
    assert "/disclosure/access/checks/" in centre_page and "/disclosure/access/agreements/" in centre_page
    assert "/disclosure/access/received/" in signed_in(scene.clerk).get("/").content.decode()
