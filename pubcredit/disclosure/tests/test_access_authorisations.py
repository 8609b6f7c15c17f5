"""Authorisations: granted in the subject's account or uploaded in writing and checked; the
authorised query sees the granted items for the stated purpose only, and every refusal is logged."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import ApiClientFactory, ProviderOrganisationFactory, SubjectAccountFactory
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.models.access import AuthorisationState
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.services.authorisations import (
    AuthorisedAnswer,
    authorisation_accept,
    authorisation_refuse,
    authorisation_revoke,
    authorisation_upload,
    authorised_query,
)
from pubcredit.disclosure.tests.conftest import SHANGHAI
from pubcredit.disclosure.tests.test_access_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.disclosure.tests.test_access_fixtures import PDF, PURPOSE, Scene, document, grant

pytestmark = pytest.mark.django_db


def refused_entries(scene: Scene) -> list[QueryLogEntry]:
    return list(QueryLogEntry.objects.filter(subject=scene.subject, outcome="refused").order_by("id"))


def query(
    scene: Scene,
    authorisation_id: object,
    *,
    purpose: str = PURPOSE,
    items: list[str] | None = None,
    provide_to: str = "",
) -> AuthorisedAnswer:
    return authorised_query(
        actor=scene.client,
        subject=scene.subject,
        authorisation_id=authorisation_id,
        purpose=purpose,
        items=items,
        provide_to=provide_to,
    )


def test_the_requester_sees_the_granted_items_only_and_the_query_is_logged(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    assert authorisation.state == AuthorisationState.ACTIVE
    answer = query(scene, authorisation.pk)
    assert [d.record.pk for d in answer.disclosed] == [scene.granted.pk]
    assert answer.items == {scene.granted_code}
    entry = QueryLogEntry.objects.get(subject=scene.subject)
    assert entry.outcome == "shown"
    assert entry.purpose == PURPOSE
    assert entry.basis == f"authorisation:{authorisation.pk}"
    assert entry.item_codes == [scene.granted_code]
    assert entry.api_client_id == scene.client.pk
    assert AuditEvent.objects.filter(action="disclosure.authorisation.grant").count() == 1


def test_requested_items_narrow_the_answer_and_other_items_are_refused(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today, items=[scene.granted_code, scene.public.item_code])
    narrowed = query(scene, authorisation.pk, items=[scene.public.item_code])
    assert [d.record.pk for d in narrowed.disclosed] == [scene.public.pk]
    with pytest.raises(PermissionDenied) as refused:
        query(scene, authorisation.pk, items=[scene.other.item_code])
    assert refused.value.code == "items_not_granted"
    assert refused_entries(scene)[0].reason.startswith("items_not_granted")


def test_only_a_subject_account_grants(scene: Scene, today: dt.date) -> None:
    with pytest.raises(PermissionDenied, match="不是信用主体的账号"):
        grant(scene.__class__(**{**scene.__dict__, "account": scene.clerk}), today)


def test_unknown_items_and_past_end_dates_are_refused_on_grant(scene: Scene, today: dt.date) -> None:
    with pytest.raises(ValidationFailed, match="NOSUCH"):
        grant(scene, today, items=["NOSUCH"])
    with pytest.raises(ValidationFailed, match="早于"):
        grant(scene, today, days=-1)


def test_the_last_valid_day_works_and_the_next_day_is_refused(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today, days=10)
    last = authorisation.valid_until
    with time_machine.travel(dt.datetime.combine(last, dt.time(23, 59), tzinfo=SHANGHAI), tick=False):
        assert [d.record.pk for d in query(scene, authorisation.pk).disclosed] == [scene.granted.pk]
    next_day = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 1), tzinfo=SHANGHAI)
    with time_machine.travel(next_day, tick=False), pytest.raises(PermissionDenied, match="到期") as refused:
        query(scene, authorisation.pk)
    assert refused.value.code == "expired"
    assert [e.reason.split("：")[0] for e in refused_entries(scene)] == ["expired"]


def test_a_revoked_authorisation_is_refused_and_logged(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    authorisation_revoke(actor=scene.account, authorisation=authorisation)
    with pytest.raises(PermissionDenied, match="撤销"):
        query(scene, authorisation.pk)
    assert refused_entries(scene)[0].reason.startswith("revoked")


def test_only_the_granting_subject_revokes(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    stranger = SubjectAccountFactory.create()
    with pytest.raises(PermissionDenied):
        authorisation_revoke(actor=stranger, authorisation=authorisation)
    authorisation.refresh_from_db()
    assert authorisation.state == AuthorisationState.ACTIVE


def test_forged_ids_are_refused_and_logged(scene: Scene, today: dt.date) -> None:
    with pytest.raises(PermissionDenied, match="伪造") as missing:
        query(scene, 999_999)
    assert missing.value.code == "forged"
    other_account = SubjectAccountFactory.create()
    others = grant(Scene(**{**scene.__dict__, "account": other_account}), today)
    with pytest.raises(PermissionDenied, match="伪造"):
        query(scene, others.pk)
    with pytest.raises(PermissionDenied, match="伪造"):
        query(scene, "12; DROP TABLE")
    assert [e.reason.split("：")[0] for e in refused_entries(scene)] == ["forged"] * 3


def test_another_requester_cannot_use_the_authorisation(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    stranger = ApiClientFactory.create(organisation=ProviderOrganisationFactory.create(), scopes=["query"])
    with pytest.raises(PermissionDenied, match="不是出具给查询方"):
        authorised_query(actor=stranger, subject=scene.subject, authorisation_id=authorisation.pk, purpose=PURPOSE)
    assert refused_entries(scene)[0].organisation_id == stranger.organisation_id


def test_a_client_without_the_query_scope_is_refused(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    scene.client.scopes = ["collect"]
    scene.client.save()
    with pytest.raises(PermissionDenied, match="query"):
        query(scene, authorisation.pk)


def test_use_beyond_purpose_is_refused_and_logged(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    with pytest.raises(PermissionDenied, match="大连 第十二条") as refused:
        query(scene, authorisation.pk, purpose="营销推广")
    assert refused.value.code == "beyond_purpose"
    entry = refused_entries(scene)[0]
    assert entry.purpose == "营销推广"
    assert "约定的用途不符" in entry.reason


def test_passing_on_to_a_third_party_is_refused_and_logged(scene: Scene, today: dt.date) -> None:
    authorisation = grant(scene, today)
    with pytest.raises(PermissionDenied, match="第三方") as refused:
        query(scene, authorisation.pk, provide_to="某小额贷款公司")
    assert refused.value.code == "passing_on"
    assert refused_entries(scene)[0].reason.startswith("passing_on")
    assert not QueryLogEntry.objects.filter(outcome="shown").exists()


def test_a_written_authorisation_counts_only_after_an_operator_accepts_it(
    scene: Scene, today: dt.date, operator: User
) -> None:
    written = authorisation_upload(
        actor=scene.clerk,
        subject=scene.subject,
        item_codes=[scene.granted_code],
        purpose=PURPOSE,
        valid_from=today,
        valid_until=today + dt.timedelta(days=90),
        document=document(),
    )
    assert written.state == AuthorisationState.PENDING
    assert written.requester_organisation_id == scene.bank.pk
    assert len(written.document_sm3) == 64
    with pytest.raises(PermissionDenied, match="尚未经信用中心核验") as pending:
        query(scene, written.pk)
    assert pending.value.code == "not_checked"
    with pytest.raises(PermissionDenied, match="不是信用中心的工作人员"):
        authorisation_accept(actor=scene.clerk, authorisation=written)
    authorisation_accept(actor=operator, authorisation=written, reason="签章与营业执照一致")
    answer = query(scene, written.pk)
    assert [d.record.pk for d in answer.disclosed] == [scene.granted.pk]


def test_a_written_authorisation_refused_by_an_operator_is_never_usable(scene: Scene, today: dt.date, operator) -> None:
    written = authorisation_upload(
        actor=scene.client,
        subject=scene.subject,
        item_codes=[scene.granted_code],
        purpose=PURPOSE,
        valid_from=today,
        valid_until=today + dt.timedelta(days=90),
        document=document("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
    )
    with pytest.raises(ValidationFailed, match="须说明理由"):
        authorisation_refuse(actor=operator, authorisation=written, reason=" ")
    authorisation_refuse(actor=operator, authorisation=written, reason="签章与主体名称不符")
    with pytest.raises(ValidationFailed, match="不是待核验"):
        authorisation_accept(actor=operator, authorisation=written)
    with pytest.raises(PermissionDenied, match="核验未通过") as refused:
        query(scene, written.pk)
    assert refused.value.code == "refused_by_operator"
    assert refused_entries(scene)[0].reason.startswith("refused_by_operator")


def test_a_document_whose_content_is_not_what_its_name_says_is_refused(scene: Scene, today: dt.date) -> None:
    for bad, message in ((document("授权.pdf", b"MZ\x90\x00"), "文件头"), (document("授权.exe", PDF), "不被接受")):
        with pytest.raises(ValidationFailed, match=message):
            authorisation_upload(
                actor=scene.clerk,
                subject=scene.subject,
                item_codes=[scene.granted_code],
                purpose=PURPOSE,
                valid_from=today,
                valid_until=today + dt.timedelta(days=1),
                document=bad,
            )
