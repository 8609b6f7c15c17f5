"""Exports of persons' records: a second person approves (西安 第三十八条, 元宝山 第二十七条), the file is
generated only then, for its requester alone, a few times within a window, with ID numbers masked
unless approved and no cell a spreadsheet would run."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from openpyxl import load_workbook

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    AuthorityFactory,
    OperatorFactory,
    ProviderClerkFactory,
    ProviderOrganisationFactory,
)
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.models.export_request import ExportRequest, ExportState
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.services.exports import (
    DOWNLOAD_WINDOW,
    MAX_DOWNLOADS,
    export_download,
    export_request_approve,
    export_request_create,
    export_request_refuse,
    export_requests_expire,
)
from pubcredit.disclosure.tests.conftest import SHANGHAI, TODAY
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","点此")'


@pytest.fixture
def bureau(db: None) -> Organisation:
    return ProviderOrganisationFactory.create(name="西安市市场监督管理局")


@pytest.fixture
def people(today: dt.date, bureau: Organisation) -> list[Subject]:
    first: Any = PersonSubjectFactory.create(name="张三")
    second: Any = PersonSubjectFactory.create(name="@李四")
    record = make_record(first, by=bureau, openness="restricted", decided_on=dt.date(2026, 10, 8))
    record.source_ref = FORMULA  # a reference that a spreadsheet would run
    record.save(update_fields=["source_ref"])
    income = {"CF_NR": "罚款人民币500元", "INCOME": "8000"}
    make_record(second, by=bureau, decided_on=dt.date(2026, 10, 9), data=income)
    make_record(second, by=bureau, decided_on=dt.date(2026, 1, 9))  # outside the range
    make_record(second, decided_on=dt.date(2026, 10, 10))  # another provider
    return [first, second]


def _request(actor: User, bureau: Organisation, **overrides: Any) -> ExportRequest:
    values: dict[str, Any] = {
        "subject_kind": "person",
        "provider": bureau,
        "item_code": "",
        "decided_from": dt.date(2026, 10, 1),
        "decided_to": dt.date(2026, 10, 31),
        "reason_kind": "supervision",
        "reason": "市场监管领域 10 月专项检查",
        "full_id_numbers": False,
    }
    return export_request_create(actor=actor, **(values | overrides))


def _sheet(content: bytes) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    return list(book["信用记录"].iter_rows(values_only=True))


def test_the_requester_cannot_approve_another_operator_can(people, bureau):
    requester, other = OperatorFactory.create(), OperatorFactory.create()
    export = _request(requester, bureau)
    assert (export.state, export.needs_approval, export.file_path) == (ExportState.REQUESTED, True, "")
    with pytest.raises(PermissionDenied, match="须由另一名工作人员审批"):
        export_request_approve(actor=requester, export=export)
    with pytest.raises(PermissionDenied, match="须由另一名工作人员审批"):
        export_request_refuse(actor=requester, export=export, note="自己拒绝自己")
    export.refresh_from_db()
    assert export.state == ExportState.REQUESTED and not QueryLogEntry.objects.exists()

    approved = export_request_approve(actor=other, export=export, note="同意")
    assert (approved.state, approved.decided_by_id, approved.row_count, approved.subject_count) == (
        ExportState.APPROVED,
        other.pk,
        2,
        2,
    )
    assert approved.expires_at is not None and approved.file_path
    assert AuditEvent.objects.filter(action="disclosure.export.approve", actor_id=other.pk).exists()
    # The look is the requester's, logged for each person with the reason.
    entries = QueryLogEntry.objects.filter(user=requester)
    assert {e.subject_id for e in entries} == {s.pk for s in people}
    assert all("市场监管领域 10 月专项检查" in e.purpose and e.basis == f"export:{export.pk}" for e in entries)


def test_an_authority_user_may_approve_a_provider_clerk_and_an_auditor_may_not(people, bureau):
    export = _request(OperatorFactory.create(), bureau)
    for outsider in (ProviderClerkFactory.create(), AuditorFactory.create()):
        with pytest.raises(PermissionDenied, match="只有信用中心或主管部门"):
            export_request_approve(actor=outsider, export=export)
    assert export_request_approve(actor=AuthorityFactory.create(), export=export).state == ExportState.APPROVED


def test_a_refusal_needs_a_reason_and_leaves_nothing_to_download(people, bureau):
    requester = OperatorFactory.create()
    export = _request(requester, bureau)
    with pytest.raises(ValidationFailed, match="须填写拒绝理由"):
        export_request_refuse(actor=OperatorFactory.create(), export=export, note=" ")
    refused = export_request_refuse(actor=OperatorFactory.create(), export=export, note="范围过大，请按需缩小")
    assert refused.state == ExportState.REFUSED
    with pytest.raises(ValidationFailed, match="未获批准"):
        export_download(actor=requester, export=export)
    with pytest.raises(ValidationFailed, match="不能再审批"):
        export_request_approve(actor=OperatorFactory.create(), export=export)


def test_download_before_approval_is_refused(people, bureau):
    requester = OperatorFactory.create()
    export = _request(requester, bureau)
    with pytest.raises(ValidationFailed, match="尚未审批"):
        export_download(actor=requester, export=export)


def test_only_the_requester_downloads_a_few_times_within_the_window(people, bureau):
    requester, approver = OperatorFactory.create(), OperatorFactory.create()
    export = export_request_approve(actor=approver, export=_request(requester, bureau))
    with pytest.raises(PermissionDenied, match="只有申请人本人"):
        export_download(actor=approver, export=export)
    for n in range(1, MAX_DOWNLOADS + 1):
        content, name = export_download(actor=requester, export=export)
        assert name == f"信用记录导出-{export.pk}.xlsx" and len(_sheet(content)) == 3
        export.refresh_from_db()
        assert export.downloads == n
    assert export.state == ExportState.EXPIRED and export.file_path == ""
    with pytest.raises(ValidationFailed, match="已失效"):
        export_download(actor=requester, export=export)


def test_download_after_the_window_is_refused_and_the_file_deleted(people, bureau):
    requester = OperatorFactory.create()
    start = dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        export = export_request_approve(actor=OperatorFactory.create(), export=_request(requester, bureau))
        path = export.file_path
        export_download(actor=requester, export=export)
        clock.shift(DOWNLOAD_WINDOW - dt.timedelta(minutes=1))
        export_download(actor=requester, export=export)
        clock.shift(dt.timedelta(minutes=2))
        with pytest.raises(ValidationFailed, match="已失效"):
            export_download(actor=requester, export=export)
    export.refresh_from_db()
    assert (export.state, export.downloads, export.file_path) == (ExportState.EXPIRED, 2, "")
    assert AuditEvent.objects.filter(action="disclosure.export.expire").count() == 1
    assert export_requests_expire() == 0  # idempotent
    assert path  # the stored file goes once the expiry commits (on_commit)


def test_file_masks_id_numbers_and_escapes_formulas(people, bureau):
    requester = OperatorFactory.create()
    export = export_request_approve(actor=OperatorFactory.create(), export=_request(requester, bureau))
    content, _ = export_download(actor=requester, export=export)
    header, *rows = _sheet(content)
    assert header[:4] == ("序号", "记录编号", "主体名称", "证件号码")
    by_name = {row[2]: row for row in rows}
    first, second = people
    assert by_name["张三"][3] == first.id_number_masked and "*" in by_name["张三"][3]
    assert first.plain_id_number not in content.decode("latin-1")
    assert by_name["'@李四"][3] == second.id_number_masked  # a leading @ made inert
    assert by_name["张三"][12] == "'" + FORMULA
    assert by_name["'@李四"][14] == "处罚内容：罚款人民币500元"  # the consent-only income left out
    book = load_workbook(io.BytesIO(content))
    for row in book["信用记录"].iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula"
    # Stored encrypted, never as a readable workbook.
    with default_storage.open(export.file_path, "rb") as handle:
        assert not handle.read().startswith(b"PK")


def test_full_id_numbers_only_when_asked_and_approved(people, bureau):
    requester = OperatorFactory.create()
    asked = _request(requester, bureau, full_id_numbers=True)
    with pytest.raises(ValidationFailed, match="申请未要求"):
        export_request_approve(actor=OperatorFactory.create(), export=_request(requester, bureau), full_id_numbers=True)
    masked = export_request_approve(actor=OperatorFactory.create(), export=asked, full_id_numbers=False)
    content, _ = export_download(actor=requester, export=masked)
    assert {row[3] for row in _sheet(content)[1:]} == {s.id_number_masked for s in people}

    full = export_request_approve(
        actor=OperatorFactory.create(), export=_request(requester, bureau, full_id_numbers=True), full_id_numbers=True
    )
    content, _ = export_download(actor=requester, export=full)
    assert {row[3] for row in _sheet(content)[1:]} == {s.plain_id_number for s in people}
    assert any("收入：8000" in row[14] for row in _sheet(content)[1:])  # consent-only: in an approved full export


def test_organisation_exports_need_no_approval(today, bureau):
    company = OrgSubjectFactory.create()
    make_record(company, by=bureau, decided_on=dt.date(2026, 10, 8))
    requester = OperatorFactory.create()
    export = _request(requester, bureau, subject_kind="org")
    assert (export.state, export.needs_approval, export.row_count) == (ExportState.APPROVED, False, 1)
    content, _ = export_download(actor=requester, export=export)
    assert _sheet(content)[1][3] == company.uscc


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"provider": None}, "provider", "须指定信息提供单位或目录项"),
        ({"item_code": "NOPE"}, "item_code", "“NOPE”不存在"),
        ({"decided_to": dt.date(2026, 9, 1)}, "decided_to", "早于"),
        ({"decided_from": dt.date(2020, 1, 1), "decided_to": dt.date(2020, 1, 2)}, "decided_from", "没有信用记录"),
        ({"reason": "查"}, "reason", "过短"),
        ({"subject_kind": "org", "full_id_numbers": True}, "full_id_numbers", "组织的记录"),
    ],
)
def test_a_bad_request_is_refused_naming_the_field(people, bureau, overrides, field, fragment):
    with pytest.raises(ValidationFailed) as caught:
        _request(OperatorFactory.create(), bureau, **overrides)
    assert caught.value.field == field and fragment in caught.value.message
    assert not ExportRequest.objects.exists()


def test_only_operators_request(people, bureau):
    for outsider in (AuthorityFactory.create(), ProviderClerkFactory.create(), AuditorFactory.create()):
        with pytest.raises(PermissionDenied, match="只有信用中心工作人员"):
            _request(outsider, bureau)


# --- pages --------------------------------------------------------------------------------------


def test_pages_request_approve_download(people, bureau):
    requester, approver = OperatorFactory.create(), OperatorFactory.create()
    mine, theirs = Client(), Client()
    mine.force_login(requester)
    theirs.force_login(approver)
    form = {
        "subject_kind": "person",
        "provider": bureau.pk,
        "item_code": "",
        "decided_from": "2026-10-01",
        "decided_to": "2026-10-31",
        "reason_kind": "complaint",
        "reason": "投诉 2026-31 号涉及人员核查",
    }
    response = mine.post("/disclosure/staff/exports/new/", form)
    export = ExportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disclosure/staff/exports/{export.pk}/"
    early = mine.post(f"/disclosure/staff/exports/{export.pk}/file/", follow=True)
    assert "尚未审批" in early.content.decode()
    own = mine.get(f"/disclosure/staff/exports/{export.pk}/").content.decode()
    assert "批准导出" not in own
    assert mine.post(f"/disclosure/staff/exports/{export.pk}/approve/").status_code == 403
    assert "批准导出" in theirs.get(f"/disclosure/staff/exports/{export.pk}/").content.decode()
    theirs.post(f"/disclosure/staff/exports/{export.pk}/approve/", {"note": "同意"})
    assert theirs.post(f"/disclosure/staff/exports/{export.pk}/file/").status_code == 404
    download = mine.post(f"/disclosure/staff/exports/{export.pk}/file/")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(_sheet(download.content)) == 3


def test_pages_refuse_a_bad_form_and_other_roles(people, bureau):
    browser = Client()
    browser.force_login(OperatorFactory.create())
    response = browser.post("/disclosure/staff/exports/new/", {"subject_kind": "person", "reason_kind": "other"})
    assert response.status_code == 400 and not ExportRequest.objects.exists()
    clerk = Client()
    clerk.force_login(ProviderClerkFactory.create())
    assert clerk.get("/disclosure/staff/exports/").status_code == 403
    assert clerk.get("/disclosure/staff/exports/new/").status_code == 403
    auditor = Client()
    auditor.force_login(AuditorFactory.create())
    assert auditor.get("/disclosure/staff/exports/").status_code == 200
    assert auditor.get("/disclosure/staff/exports/new/").status_code == 403
