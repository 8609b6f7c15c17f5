"""Self-declaration services: every transition, every refusal, the record and the warning record."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine

from pubcredit.accounts.models import RoleGrant
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
    UserFactory,
    anonymous,
)
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.collection.models import Declaration, DeclarationAttachment, DeclarationStatus
from pubcredit.collection.selectors.declarations import (
    declarable_items,
    declaration_attachment_get,
    declaration_get,
    declarations_pending_review,
    declarations_visible_to,
)
from pubcredit.collection.services.declarations import (
    MAX_ATTACHMENT_BYTES,
    DeclarationRejected,
    declaration_approve,
    declaration_mark_false,
    declaration_reject,
    declaration_submit,
)
from pubcredit.collection.tests.test_declarations_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_declarations_fixtures import CST, EXE, JPEG, PDF, PNG, bz_data, upload
from pubcredit.collection.workflow import DECLARATION_TRANSITIONS, declaration_may_move
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.core.roles import Role
from pubcredit.records.models import RecordStatus

pytestmark = pytest.mark.django_db


def submit(account, item, *, data=None, decided_on=dt.date(2026, 3, 15), attachments=None, statement="本企业获评"):
    return declaration_submit(
        actor=account,
        item=item,
        data=bz_data() if data is None else data,
        decided_on=decided_on,
        statement=statement,
        attachments=[upload()] if attachments is None else attachments,
    )


# --- workflow table ---------------------------------------------------------------------------


def test_the_transition_table_allows_review_once_and_false_only_after_approval():
    assert declaration_may_move("submitted", "approved") and declaration_may_move("submitted", "rejected")
    assert declaration_may_move("approved", "found_false")
    assert not declaration_may_move("submitted", "found_false")
    assert not declaration_may_move("rejected", "approved")
    assert DECLARATION_TRANSITIONS["found_false"] == frozenset()


# --- submit -----------------------------------------------------------------------------------


def test_a_company_submits_with_identity_from_its_subject(bz, company_account, proof_storage: Path):
    forged = bz_data(subject_name="别人的公司", uscc="91610100MA0000001X", 统一社会信用代码="91110000100000000X")
    declaration = submit(company_account, bz, data=forged)
    subject = company_account.subject
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.subject == subject and declaration.submitted_by == company_account
    assert declaration.data["subject_name"] == subject.name
    assert declaration.data["uscc"] == subject.uscc
    assert declaration.data["awarded_on"] == "2026-03-15"
    attachment = declaration.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.sm3 == sm3_hex(PDF) and attachment.path == f"declarations/{sm3_hex(PDF)}"
    assert (proof_storage / attachment.path).read_bytes() == PDF
    event = AuditEvent.objects.get(action="collection.declaration.submit")
    assert event.target_id == str(declaration.pk)
    assert [part.replace("-", "") for part in event.data["attachments"]] == [sm3_hex(PDF)]


def test_a_proof_whose_hash_looks_like_an_id_number_is_audited_all_the_same(bz, company_account):
    looks_like_id = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
    content = next(
        PDF + str(n).encode() for n in range(100_000) if looks_like_id.search(sm3_hex(PDF + str(n).encode()))
    )
    declaration = submit(company_account, bz, attachments=[upload("证书.pdf", content)])
    assert declaration.attachments.get().sm3 == sm3_hex(content)


def test_a_person_submits_and_only_the_masked_id_number_is_kept(bz, person_account):
    declaration = submit(person_account, bz, attachments=[upload("献血证.jpg", JPEG), upload("表彰.png", PNG)])
    subject = person_account.subject
    assert declaration.data["id_number"] == subject.id_number_masked
    assert subject.plain_id_number not in str(declaration.data)
    assert sorted(declaration.attachments.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]


@pytest.mark.parametrize(
    "factory",
    [OperatorFactory, ProviderClerkFactory, AuditorFactory, UserFactory],
    ids=["operator", "provider", "auditor", "public"],
)
def test_only_a_subject_account_may_submit(bz, factory):
    with pytest.raises(PermissionDenied, match="不是信用主体的账号"):
        submit(factory.create(), bz)
    assert not Declaration.objects.exists()


def test_anonymous_and_revoked_subject_accounts_may_not_submit(bz, company_account, today):
    with pytest.raises(PermissionDenied):
        submit(anonymous(), bz)
    RoleGrant.objects.filter(user=company_account).update(revoked_at=dt.datetime(2026, 6, 1, tzinfo=CST))
    company_account.forget_roles()
    with pytest.raises(PermissionDenied):
        submit(company_account, bz)


@pytest.mark.parametrize("code", ["CF", "XK", "JYYC", "RZ"])
def test_only_good_information_may_be_declared(catalogue, company_account, code):
    with pytest.raises(ValidationFailed, match="自主申报只接受良好信息"):
        submit(company_account, catalog_item_get(code))


def test_an_item_not_for_persons_is_refused_for_a_person(catalogue, person_account):
    with pytest.raises(ValidationFailed, match="不适用于自然人"):
        submit(person_account, catalog_item_get("XYPJ"))


def test_an_item_version_no_longer_in_force_is_refused(bz, company_account, operator):
    from pubcredit.catalog.services import catalog_item_revise

    catalog_item_revise(actor=operator, code="BZ", changes={"name": "表彰奖励信息"})
    with pytest.raises(ValidationFailed, match="未生效"):
        submit(company_account, bz)


def test_every_bad_field_value_is_reported_in_chinese(bz, company_account):
    data = bz_data(honour_type="最佳雇主", awarded_by_level=None, 不存在的字段="x")
    with pytest.raises(DeclarationRejected) as caught:
        submit(company_account, bz, data=data)
    messages = [p.message for p in caught.value.problems]
    assert any("荣誉类别" in m and "不在可选值之内" in m for m in messages)
    assert any("缺少必填字段“授予机关层级”" in m for m in messages)
    assert any("不属于本目录项" in m for m in messages)
    assert len(messages) == 3 and not Declaration.objects.exists()


def test_a_future_or_contradicting_date_is_refused(bz, company_account, today):
    with pytest.raises(DeclarationRejected, match="晚于今天"):
        submit(company_account, bz, decided_on=today + dt.timedelta(days=1))
    with pytest.raises(DeclarationRejected, match="不一致"):
        submit(company_account, bz, data=bz_data(awarded_on="2026-01-01"), decided_on=dt.date(2026, 3, 15))


def test_a_date_given_in_the_item_field_that_agrees_is_accepted(bz, company_account, today):
    declaration = submit(company_account, bz, data=bz_data(awarded_on="2026年3月15日"), decided_on=dt.date(2026, 3, 15))
    assert declaration.data["awarded_on"] == "2026-03-15"
    assert submit(company_account, bz, decided_on=today).decided_on == today  # today itself is not the future


def test_proof_is_required(bz, company_account):
    with pytest.raises(ValidationFailed, match="至少上传 1 个文件"):
        submit(company_account, bz, attachments=[])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("证书.pdf", EXE, "内容不是 PDF 文件"),
        ("证书.jpg", b"<html><script>alert(1)</script></html>", "内容不是 JPEG 图片"),
        ("证书.png", JPEG, "内容是 JPEG 图片，与扩展名 .png 不符"),
        ("证书.exe", PDF, "不被接受"),
        ("证书", PDF, "无扩展名"),
        ("证书.pdf", b"", "空文件"),
    ],
)
def test_a_disguised_or_wrong_file_is_refused(bz, company_account, proof_storage: Path, name, content, reason):
    with pytest.raises(ValidationFailed, match=reason):
        submit(company_account, bz, attachments=[upload(name, content)])
    assert not Declaration.objects.exists() and not DeclarationAttachment.objects.exists()
    assert not (proof_storage / "declarations").exists()


def test_size_and_count_limits(bz, company_account):
    big = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1)
    with pytest.raises(ValidationFailed, match="超过 10 MB"):
        submit(company_account, bz, attachments=[upload("大文件.pdf", big)])
    exactly = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))
    assert submit(company_account, bz, attachments=[upload("刚好.pdf", exactly)]).attachments.get().size == (
        MAX_ATTACHMENT_BYTES
    )
    six = [upload(f"{i}.pdf", PDF + bytes([i])) for i in range(6)]
    with pytest.raises(ValidationFailed, match="最多 5 个文件"):
        submit(company_account, bz, attachments=six)
    with pytest.raises(ValidationFailed, match="重复上传"):
        submit(company_account, bz, attachments=[upload("a.pdf"), upload("b.pdf")])


def test_a_path_in_the_file_name_is_dropped(bz, company_account):
    declaration = submit(company_account, bz, attachments=[upload("../../etc/证书.pdf")])
    assert declaration.attachments.get().file_name == "证书.pdf"


# --- approve ----------------------------------------------------------------------------------


def test_approval_creates_a_self_declared_record_in_the_centres_name(bz, company_account, operator):
    declaration = submit(company_account, bz)
    approved = declaration_approve(actor=operator, declaration=declaration, reason="材料属实")
    record = approved.record
    assert approved.status == DeclarationStatus.APPROVED and approved.reviewed_by == operator
    assert approved.review_reason == "材料属实" and approved.reviewed_at is not None
    assert record.self_declared and record.provider == operator.organisation
    assert record.subject == company_account.subject and record.item == bz
    assert record.source_ref == f"自主申报-{declaration.pk}" and record.decided_on == dt.date(2026, 3, 15)
    assert record.data["honour_name"] == "2025年度西安市守合同重信用企业"
    assert list(record.versions.values_list("version", "reason")) == [(1, "归集")]
    assert AuditEvent.objects.filter(action="collection.declaration.approve", target_id=str(declaration.pk)).exists()


def test_approval_of_a_persons_declaration_uses_the_full_id_number_from_the_subject(bz, person_account, operator):
    declaration = declaration_approve(actor=operator, declaration=submit(person_account, bz))
    assert declaration.record.data["id_number"] == person_account.subject.id_number_masked


@pytest.mark.parametrize(
    "factory", [ProviderClerkFactory, AuditorFactory, SubjectAccountFactory], ids=["provider", "auditor", "subject"]
)
def test_only_the_credit_centre_reviews(bz, company_account, factory):
    declaration = submit(company_account, bz)
    actor = factory.create()
    with pytest.raises(PermissionDenied, match="不是信用中心的工作人员"):
        declaration_approve(actor=actor, declaration=declaration)
    with pytest.raises(PermissionDenied):
        declaration_reject(actor=actor, declaration=declaration, reason="不实")
    with pytest.raises(PermissionDenied):
        declaration_approve(actor=company_account, declaration=declaration)
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SUBMITTED


def test_an_operator_role_outside_the_credit_centre_does_not_review(bz, company_account):
    clerk = ProviderClerkFactory.create()
    RoleGrant.objects.create(user=clerk, role=Role.OPERATOR, organisation=clerk.organisation)
    clerk.forget_roles()
    with pytest.raises(PermissionDenied):
        declaration_approve(actor=clerk, declaration=submit(company_account, bz))


def test_a_declaration_is_reviewed_once(bz, company_account, operator):
    declaration = declaration_approve(actor=operator, declaration=submit(company_account, bz))
    with pytest.raises(ValidationFailed, match="“已通过”，不能改为“已通过”"):
        declaration_approve(actor=operator, declaration=declaration)
    with pytest.raises(ValidationFailed, match="不能改为“未通过”"):
        declaration_reject(actor=operator, declaration=declaration, reason="再议")


# --- reject -----------------------------------------------------------------------------------


def test_rejection_needs_a_reason_and_records_nothing(bz, company_account, operator):
    declaration = submit(company_account, bz)
    with pytest.raises(ValidationFailed, match="须说明理由"):
        declaration_reject(actor=operator, declaration=declaration, reason="  ")
    rejected = declaration_reject(actor=operator, declaration=declaration, reason="证书与申报名称不符")
    assert rejected.status == DeclarationStatus.REJECTED and rejected.review_reason == "证书与申报名称不符"
    assert rejected.record is None
    assert AuditEvent.objects.filter(action="collection.declaration.reject").count() == 1
    for move in (
        lambda: declaration_approve(actor=operator, declaration=rejected),
        lambda: declaration_mark_false(actor=operator, declaration=rejected, reason="x"),
    ):
        with pytest.raises(ValidationFailed, match="最终状态"):
            move()


# --- found false ------------------------------------------------------------------------------


def test_found_false_withdraws_the_record_without_warning_under_xian(bz, company_account, operator, xian):
    declaration = declaration_approve(actor=operator, declaration=submit(company_account, bz))
    found = declaration_mark_false(actor=operator, declaration=declaration, reason="发证机关复函：未授予该荣誉")
    record = found.record
    record.refresh_from_db()
    assert found.status == DeclarationStatus.FOUND_FALSE and found.warning_record is None
    assert record.status == RecordStatus.WITHDRAWN and record.version == 2
    assert list(record.versions.order_by("version").values_list("status", flat=True)) == ["active", "withdrawn"]
    assert "查实虚假：发证机关复函：未授予该荣誉" in found.review_reason
    event = AuditEvent.objects.get(action="collection.declaration.mark_false")
    assert event.data["warning_record"] is None and event.data["policy"] == "xian"
    assert event.data["warning_basis"]["value"] is False


def test_found_false_gives_a_warning_record_under_nantong(bz, company_account, centre_records_warnings, nantong, today):
    operator = centre_records_warnings
    declaration = declaration_approve(actor=operator, declaration=submit(company_account, bz))
    found = declaration_mark_false(actor=operator, declaration=declaration, reason="荣誉证书系伪造")
    warning = found.warning_record
    assert warning is not None and warning.item.code == "XJSB" and warning.kind == "bad"
    assert warning.subject == company_account.subject and not warning.self_declared
    assert warning.tier == "minor" and warning.decided_on == today
    assert warning.provider == operator.organisation and warning.source_ref == f"虚假申报-{declaration.pk}"
    assert warning.data["finding"] == "荣誉证书系伪造" and warning.data["uscc"] == company_account.subject.uscc
    assert warning.item.openness == "restricted" and "南通 第二十三条" in warning.item.legal_basis
    event = AuditEvent.objects.get(action="collection.declaration.mark_false")
    assert event.data["warning_record"] == warning.pk
    assert event.data["warning_basis"] == {
        "key": "self_declaration.false_declaration_warning",
        "value": True,
        "article": "南通 第二十三条",
    }


def test_a_warning_before_the_national_tiers_carries_no_tier(bz, person_account, centre_records_warnings, nantong):
    operator = centre_records_warnings
    with time_machine.travel(dt.datetime(2026, 3, 31, 16, tzinfo=CST), tick=False):
        declaration = declaration_approve(actor=operator, declaration=submit(person_account, bz))
        found = declaration_mark_false(actor=operator, declaration=declaration, reason="献血证明系他人")
    assert found.warning_record is not None and found.warning_record.tier is None
    assert found.warning_record.data["id_number"] == person_account.subject.id_number_masked


def test_the_centre_records_the_warning_in_its_own_name_without_extra_setup(bz, company_account, operator, nantong):
    """The centre decides the warning itself, so its operators write it without being a provider."""
    assert not operator.organisation.is_provider
    declaration = declaration_approve(actor=operator, declaration=submit(company_account, bz))
    found = declaration_mark_false(actor=operator, declaration=declaration, reason="伪造")
    assert found.warning_record is not None and found.warning_record.provider == operator.organisation
    found.record.refresh_from_db()
    assert found.record.status == RecordStatus.WITHDRAWN


def test_found_false_needs_an_operator_a_reason_and_an_approved_declaration(bz, company_account, operator):
    submitted = submit(company_account, bz)
    with pytest.raises(ValidationFailed, match="“待审核”，不能改为“查实虚假”"):
        declaration_mark_false(actor=operator, declaration=submitted, reason="伪造")
    approved = declaration_approve(actor=operator, declaration=submitted)
    with pytest.raises(ValidationFailed, match="须说明理由"):
        declaration_mark_false(actor=operator, declaration=approved, reason="")
    with pytest.raises(PermissionDenied):
        declaration_mark_false(actor=company_account, declaration=approved, reason="伪造")
    with pytest.raises(PermissionDenied):
        declaration_mark_false(actor=ProviderClerkFactory.create(), declaration=approved, reason="伪造")
    found = declaration_mark_false(actor=operator, declaration=approved, reason="伪造")
    with pytest.raises(ValidationFailed, match="最终状态"):
        declaration_mark_false(actor=operator, declaration=found, reason="再次")


def test_the_records_provider_clerk_cannot_withdraw_a_self_declared_record_but_the_centre_can(
    bz, company_account, operator
):
    from pubcredit.records.services import record_withdraw

    record = declaration_approve(actor=operator, declaration=submit(company_account, bz)).record
    with pytest.raises(PermissionDenied):
        record_withdraw(actor=ProviderClerkFactory.create(), record=record, reason="x")
    assert record_withdraw(actor=operator, record=record, reason="复核").status == RecordStatus.WITHDRAWN


# --- reads ------------------------------------------------------------------------------------


def test_who_sees_which_declarations(bz, company_account, person_account, operator):
    mine = submit(company_account, bz)
    theirs = submit(person_account, bz)
    assert list(declarations_visible_to(company_account)) == [mine]
    assert set(declarations_visible_to(operator)) == {mine, theirs}
    for nobody in (anonymous(), None, ProviderClerkFactory.create(), AuditorFactory.create(), UserFactory.create()):
        assert not declarations_visible_to(nobody).exists()
        assert not declarations_pending_review(nobody).exists()
    assert list(declarations_pending_review(operator)) == [mine, theirs]
    assert list(declarations_pending_review(company_account)) == []
    declaration_approve(actor=operator, declaration=mine)
    assert list(declarations_pending_review(operator)) == [theirs]
    with pytest.raises(NotFound):
        declaration_get(company_account, theirs.pk)
    attachment = theirs.attachments.get()
    assert declaration_attachment_get(person_account, attachment.pk) == attachment
    assert declaration_attachment_get(operator, attachment.pk) == attachment
    with pytest.raises(NotFound):
        declaration_attachment_get(company_account, attachment.pk)


def test_declarable_items_are_good_items_for_the_subjects_kind(catalogue, company_account, person_account):
    for_org = {item.code for item in declarable_items(company_account.subject)}
    for_person = {item.code for item in declarable_items(person_account.subject)}
    assert {"BZ", "XYPJ", "HXLD", "ZY"} <= for_org and "CF" not in for_org and "XJSB" not in for_org
    assert "BZ" in for_person and "XYPJ" not in for_person and "HXLD" not in for_person
