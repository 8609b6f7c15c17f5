"""The pages: the applicant's list and form, the provider's queue and decision, the centre's overview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pubcredit.accounts.tests.factories import OperatorFactory, ProviderClerkFactory, SubjectAccountFactory
from pubcredit.core.models import AuditEvent
from pubcredit.repairs.models import RepairApplication, RepairState
from pubcredit.repairs.services import repair_apply, repairs_sweep
from pubcredit.repairs.tests.conftest import PDF, at, proof

TODAY = dt.date(2026, 11, 20)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def records(bad_record):
    return {
        "ok": bad_record(tier="general", decided_on=dt.date(2026, 6, 15)),
        "early": bad_record(tier="severe", decided_on=dt.date(2026, 5, 10)),
    }


def _apply(applicant, record):
    return repair_apply(actor=applicant, record=record, ground="已缴清罚款", commitment_signed=True, proofs=[proof()])


def test_the_applicant_sees_which_records_can_be_repaired(pack, applicant, records):
    with pack("xian"), at(TODAY):
        page = signed_in(applicant).get("/repairs/mine/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"申请修复记录 {records['ok'].pk}" in html
    assert f"申请修复记录 {records['early'].pk}" not in html
    assert "2027-05-11 起方可申请信用修复" in html


def test_apply_page_shows_conditions_and_submits(pack, applicant, clerk, records):
    client = signed_in(applicant)
    url = f"/repairs/apply/{records['ok'].pk}/"
    with pack("xian"), at(TODAY):
        page = client.get(url)
        html = page.content.decode()
        assert "该记录目前符合申请信用修复的条件" in html and "信息提供单位在15个工作日内作出决定" in html
        assert "本主体郑重承诺" in html and "失信行为是否出于主观故意" not in html
        response = client.post(
            url, {"ground": "已缴清罚款并完成整改", "commitment": "on", "proofs": [proof("缴款凭证.pdf")]}
        )
    application = RepairApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/repairs/{application.pk}/"
    with pack("xian"), at(TODAY):
        detail = client.get(response["Location"]).content.decode()
    assert f"信用修复申请已提交（编号 {application.number}）" in detail
    assert "2026-12-11" in detail and "缴款凭证.pdf" in detail


def test_a_refused_application_says_why_and_writes_nothing(pack, applicant, records):
    client = signed_in(applicant)
    with pack("xian"), at(TODAY):
        response = client.post(f"/repairs/apply/{records['ok'].pk}/", {"ground": "已整改"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "须上传已履行法定义务、消除不良影响的证明材料（西安 第三十二条" in html
    assert "须签署信用承诺书" in html and "补齐材料后，2026-11-20 起可以申请" in html
    assert not RepairApplication.objects.exists()


def test_an_early_record_shows_the_date_and_no_form(pack, applicant, records):
    with pack("xian"), at(TODAY):
        page = signed_in(applicant).get(f"/repairs/apply/{records['early'].pk}/")
    html = page.content.decode()
    assert 'data-testid="eligible-from">2027-05-11 起可以申请' in html
    assert "提交修复申请" not in html


def test_nantong_form_asks_about_intent(pack, applicant, bad_record):
    record = bad_record(tier="minor", decided_on=dt.date(2026, 10, 9))
    client = signed_in(applicant)
    with pack("nantong"), at(TODAY):
        assert "失信行为是否出于主观故意" in client.get(f"/repairs/apply/{record.pk}/").content.decode()
        refused = client.post(
            f"/repairs/apply/{record.pk}/",
            {"ground": "误报", "intentional": "yes", "commitment": "on", "proofs": [proof()]},
        )
        assert refused.status_code == 400 and "南通 第十六条" in refused.content.decode()
        accepted = client.post(
            f"/repairs/apply/{record.pk}/",
            {"ground": "误报", "intentional": "no", "commitment": "on", "proofs": [proof()]},
        )
    assert accepted.status_code == 302
    assert RepairApplication.objects.get().intentional is False


def test_others_records_and_roles(pack, applicant, records):
    stranger = SubjectAccountFactory.create()
    with pack("xian"), at(TODAY):
        assert signed_in(stranger).get(f"/repairs/apply/{records['ok'].pk}/").status_code == 404
        assert signed_in(ProviderClerkFactory.create()).get(f"/repairs/apply/{records['ok'].pk}/").status_code == 403
        assert signed_in(applicant).get("/repairs/queue/").status_code == 403
        assert signed_in(applicant).get("/repairs/overview/").status_code == 403
        assert Client().get("/repairs/mine/").status_code == 302  # to the login page


def test_the_provider_decides_from_its_queue(pack, applicant, clerk, records):
    with pack("xian"), at(TODAY):
        application = _apply(applicant, records["ok"])
        client = signed_in(clerk)
        queue = client.get("/repairs/queue/").content.decode()
        assert f"办理申请 {application.number}" in queue and "2026-12-11" in queue
        detail = client.get(f"/repairs/{application.pk}/").content.decode()
        assert "同意修复" in detail and "不予修复" in detail
        response = client.post(f"/repairs/{application.pk}/accept/", {"accept-reason": "已整改到位"})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert "已同意信用修复申请" in page and "原失信信息不再公开披露" in page
    application.refresh_from_db()
    assert (application.state, application.reason) == (RepairState.ACCEPTED, "已整改到位")


def test_a_rejection_without_reason_is_refused_on_the_page(pack, applicant, clerk, records):
    with pack("xian"), at(TODAY):
        application = _apply(applicant, records["ok"])
        client = signed_in(clerk)
        page = client.post(f"/repairs/{application.pk}/reject/", {"reject-reason": ""}, follow=True)
    assert "须填写不予修复的理由" in page.content.decode()
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED


def test_another_provider_sees_nothing_and_cannot_decide(pack, applicant, records):
    other = ProviderClerkFactory.create()
    with pack("xian"), at(TODAY):
        application = _apply(applicant, records["ok"])
        client = signed_in(other)
        assert client.get(f"/repairs/{application.pk}/").status_code == 404
        assert client.post(f"/repairs/{application.pk}/accept/", {}).status_code == 404
        assert f"办理申请 {application.number}" not in client.get("/repairs/queue/").content.decode()
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED


def test_the_centre_sees_every_application_and_the_overdue_ones(pack, applicant, records):
    operator = OperatorFactory.create()
    with pack("xian"), at(TODAY):
        application = _apply(applicant, records["ok"])
    repairs_sweep(on=dt.date(2026, 12, 14))
    with pack("xian"), at(dt.date(2026, 12, 14)):
        client = signed_in(operator)
        response = client.get("/repairs/overview/?overdue=1")
        assert response.status_code == 200, response
        overdue = response.content.decode()
        detail = client.get(f"/repairs/{application.pk}/").content.decode()
    assert 'data-testid="overdue-count">1<' in overdue and application.number in overdue
    assert "已逾期" in detail and "同意修复" not in detail  # the centre does not decide (谁认定、谁修复)


def test_proofs_download_only_for_those_who_may_see_the_application(pack, applicant, clerk, records):
    with pack("xian"), at(TODAY):
        application = _apply(applicant, records["ok"])
    proof_id = application.proofs.get().pk
    for user in (applicant, clerk, OperatorFactory.create()):
        response = signed_in(user).get(f"/repairs/proofs/{proof_id}/")
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
    assert signed_in(SubjectAccountFactory.create()).get(f"/repairs/proofs/{proof_id}/").status_code == 404


def test_index_sends_each_role_to_its_page(applicant, clerk):
    assert signed_in(applicant).get("/repairs/")["Location"] == "/repairs/mine/"
    assert signed_in(clerk).get("/repairs/")["Location"] == "/repairs/queue/"
    assert signed_in(OperatorFactory.create()).get("/repairs/")["Location"] == "/repairs/overview/"


def test_every_proof_download_is_audited(pack, applicant, clerk, records):
    with pack("xian"), at(TODAY):
        application = _apply(applicant, records["ok"])
    proof_id = application.proofs.get().pk
    signed_in(clerk).get(f"/repairs/proofs/{proof_id}/")
    event = AuditEvent.objects.get(action="repairs.proof.read")
    assert (event.actor_id, event.data["proof"]) == (clerk.pk, proof_id)
