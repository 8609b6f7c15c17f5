"""Self-declaration pages with the Django test client: who sees what, forms, reviews, downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import PASSWORD, AuditorFactory, ProviderClerkFactory
from pubcredit.collection.models import Declaration, DeclarationStatus
from pubcredit.collection.services.declarations import declaration_approve, declaration_submit
from pubcredit.collection.tests.test_declarations_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_declarations_fixtures import EXE, PDF, PNG, bz_data, upload
from pubcredit.records.models import RecordStatus

pytestmark = pytest.mark.django_db

LIST = reverse("collection:declaration_list")
NEW = reverse("collection:declaration_new")
QUEUE = reverse("collection:declaration_queue")


def signed_in(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def form_post(**overrides: Any) -> dict[str, Any]:
    data = {f"field_{k}": v for k, v in bz_data().items()}
    data.update({"item": "BZ", "decided_on": "2026-03-15", "statement": "获评守合同重信用企业"})
    data.update(overrides)
    return data


def submitted(account: User, item: Any) -> Declaration:
    return declaration_submit(
        actor=account, item=item, data=bz_data(), decided_on=dt.date(2026, 3, 15), attachments=[upload()]
    )


def test_anonymous_visitors_are_sent_to_sign_in(bz, client):
    for url in (LIST, NEW, QUEUE, reverse("collection:declaration_detail", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_staff_without_a_part_in_declarations_are_refused(bz):
    for user in (ProviderClerkFactory.create(), AuditorFactory.create()):
        client = signed_in(user)
        assert client.get(LIST).status_code == 403
        assert client.get(NEW).status_code == 403
        assert client.get(QUEUE).status_code == 403


def test_a_subject_chooses_an_item_and_sees_its_fields_without_identity(bz, company_account):
    client = signed_in(company_account)
    page = client.get(NEW)
    assert page.status_code == 200
    text = page.content.decode()
    assert "表彰奖励及诚信荣誉信息（BZ）" in text and "行政处罚" not in text and "XJSB" not in text
    form_page = client.get(NEW, {"item": "BZ"}).content.decode()
    assert "荣誉类别" in form_page and "授予日期" in form_page and "证明材料" in form_page
    assert 'name="field_uscc"' not in form_page and 'name="field_subject_name"' not in form_page
    assert 'name="field_awarded_on"' not in form_page  # asked once, as the date obtained
    assert 'enctype="multipart/form-data"' in form_page and "csrfmiddlewaretoken" in form_page
    refused = client.get(NEW, {"item": "CF"})
    assert refused.status_code == 400 and "不能自主申报" in refused.content.decode()


def test_a_subject_submits_through_the_form(bz, company_account):
    client = signed_in(company_account)
    token = client.get(NEW, {"item": "BZ"}).context["csrf_token"]
    response = client.post(
        NEW,
        {**form_post(), "attachments": [upload("证书.pdf"), upload("奖牌.png", PNG)], "csrfmiddlewaretoken": token},
    )
    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("collection:declaration_detail", args=[declaration.pk])
    assert declaration.data["uscc"] == company_account.subject.uscc and declaration.attachments.count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert "待审核" in detail and "2025年度西安市守合同重信用企业" in detail and "奖牌.png" in detail
    assert "审核通过" not in detail  # the subject cannot review


def test_the_form_shows_every_problem_in_chinese_next_to_its_field(bz, company_account):
    client = signed_in(company_account)
    token = client.get(NEW, {"item": "BZ"}).context["csrf_token"]
    response = client.post(
        NEW,
        {
            **form_post(field_honour_type="最佳雇主", field_honour_name=""),
            "attachments": [upload("证书.pdf")],
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "荣誉类别" in form.errors["field_honour_type"][0] and "不在可选值之内" in form.errors["field_honour_type"][0]
    assert form.errors["field_honour_name"] == ["缺少必填字段“荣誉名称”（honour_name）"]
    assert "不在可选值之内" in response.content.decode()
    assert not Declaration.objects.exists()


def test_a_missing_or_disguised_proof_is_shown_on_the_form(bz, company_account):
    client = signed_in(company_account)
    token = client.get(NEW, {"item": "BZ"}).context["csrf_token"]
    missing = client.post(NEW, {**form_post(), "csrfmiddlewaretoken": token})
    assert missing.status_code == 400 and missing.context["form"].errors["attachments"]
    disguised = client.post(
        NEW, {**form_post(), "attachments": [upload("证书.pdf", EXE)], "csrfmiddlewaretoken": token}
    )
    assert disguised.status_code == 400
    assert "内容不是 PDF 文件" in " ".join(disguised.context["form"].errors["attachments"])
    future = client.post(
        NEW, {**form_post(decided_on="2026-06-11"), "attachments": [upload()], "csrfmiddlewaretoken": token}
    )
    assert "晚于今天" in " ".join(future.context["form"].errors["decided_on"])
    assert not Declaration.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(bz, company_account):
    client = signed_in(company_account)
    response = client.post(NEW, {**form_post(), "attachments": [upload()]})
    assert response.status_code == 403 and not Declaration.objects.exists()


def test_subjects_see_only_their_own_declarations(bz, company_account, person_account):
    mine = submitted(company_account, bz)
    theirs = submitted(person_account, bz)
    client = signed_in(company_account)
    listing = client.get(LIST).content.decode()
    assert reverse("collection:declaration_detail", args=[mine.pk]) in listing
    assert reverse("collection:declaration_detail", args=[theirs.pk]) not in listing
    assert client.get(reverse("collection:declaration_detail", args=[theirs.pk])).status_code == 404
    attachment = theirs.attachments.get()
    assert client.get(reverse("collection:declaration_attachment", args=[attachment.pk])).status_code == 404
    assert client.get(QUEUE).status_code == 403


def test_a_persons_id_number_never_appears_in_full(bz, person_account, operator):
    declaration = submitted(person_account, bz)
    for user in (person_account, operator):
        page = signed_in(user).get(reverse("collection:declaration_detail", args=[declaration.pk])).content.decode()
        assert person_account.subject.plain_id_number not in page
        assert person_account.subject.id_number_masked in page


def test_the_operator_reviews_from_the_queue(bz, company_account, operator):
    declaration = submitted(company_account, bz)
    client = signed_in(operator)
    queue = client.get(QUEUE).content.decode()
    assert f"审核申报 {declaration.pk}" in queue and company_account.subject.name in queue
    detail_url = reverse("collection:declaration_detail", args=[declaration.pk])
    detail = client.get(detail_url)
    assert "审核通过" in detail.content.decode() and "退回" in detail.content.decode()
    token = detail.context["csrf_token"]
    response = client.post(
        reverse("collection:declaration_approve", args=[declaration.pk]),
        {"approve-reason": "原件核验一致", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == detail_url
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED and declaration.record.self_declared
    page = client.get(detail_url).content.decode()
    assert "已审核通过" in page and "原件核验一致" in page and "认定虚假" in page
    assert f"审核申报 {declaration.pk}" not in client.get(QUEUE).content.decode()


def test_rejection_needs_a_reason_and_the_subject_sees_it(bz, company_account, operator):
    declaration = submitted(company_account, bz)
    client = signed_in(operator)
    detail_url = reverse("collection:declaration_detail", args=[declaration.pk])
    token = client.get(detail_url).context["csrf_token"]
    reject_url = reverse("collection:declaration_reject", args=[declaration.pk])
    empty = client.post(reject_url, {"reject-reason": "", "csrfmiddlewaretoken": token}, follow=True)
    assert "请填写退回理由" in empty.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    client.post(reject_url, {"reject-reason": "证书编号查无此证", "csrfmiddlewaretoken": token})
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.REJECTED
    subject_view = signed_in(company_account).get(detail_url).content.decode()
    assert "未通过" in subject_view and "证书编号查无此证" in subject_view


def test_a_subject_cannot_review_its_own_declaration(bz, company_account):
    declaration = submitted(company_account, bz)
    client = signed_in(company_account)
    token = client.get(LIST).context["csrf_token"]
    response = client.post(
        reverse("collection:declaration_approve", args=[declaration.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_wrong_status_is_explained_not_crashed(bz, company_account, operator):
    declaration = submitted(company_account, bz)
    client = signed_in(operator)
    token = client.get(LIST).context["csrf_token"]
    response = client.post(
        reverse("collection:declaration_mark_false", args=[declaration.pk]),
        {"false-reason": "伪造", "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert "不能改为“查实虚假”" in response.content.decode()


def test_marking_false_withdraws_the_record(bz, company_account, operator, xian):
    declaration = declaration_approve(actor=operator, declaration=submitted(company_account, bz))
    client = signed_in(operator)
    token = client.get(LIST).context["csrf_token"]
    response = client.post(
        reverse("collection:declaration_mark_false", args=[declaration.pk]),
        {"false-reason": "发证机关复函未授予", "csrfmiddlewaretoken": token},
        follow=True,
    )
    page = response.content.decode()
    assert "已认定为虚假" in page and "查实虚假：发证机关复函未授予" in page and "已记入警示记录" not in page
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.FOUND_FALSE
    assert declaration.record.status == RecordStatus.WITHDRAWN and declaration.warning_record is None


def test_proof_downloads_are_attachments_for_the_owner_and_the_centre_only(bz, company_account, operator):
    declaration = submitted(company_account, bz)
    attachment = declaration.attachments.get()
    url = reverse("collection:declaration_attachment", args=[attachment.pk])
    for user in (company_account, operator):
        response = signed_in(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    for user in (ProviderClerkFactory.create(), AuditorFactory.create()):
        assert signed_in(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302
