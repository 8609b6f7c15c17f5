"""List entries: entering a subject (两书同达, basis records, who may), and every exit path: the
term sweep, repair, objection, withdrawal, and the void of a wrong listing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import override_settings

from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.lists.models import EntryState, ExitReason, ListEntry
from pubcredit.lists.selectors import list_entries_visible_to, published_entries, subject_on_list
from pubcredit.lists.services import entries_exit_for_records, list_entries_sweep, list_entry_exit, list_entry_void
from pubcredit.lists.tests.conftest import Parties, on
from pubcredit.lists.tests.factories import enter, list_type
from pubcredit.notices.models import Notice
from pubcredit.records.models import AnnotationKind, Record
from pubcredit.records.services import record_hold_place
from pubcredit.repairs.selectors import subject_on_severe_list

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_department_enters_a_subject_with_its_decision_and_basis_records(
    parties: Parties, record_of: Callable[..., Record]
) -> None:
    record = record_of()
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject, records=[record], decided_on=D(2026, 11, 18))
    assert entry.number == f"MD2026{entry.pk:06d}"
    assert entry.state == EntryState.IN_FORCE and entry.kind == "black"
    assert entry.starts_on == D(2026, 11, 18)
    assert entry.ends_on == D(2029, 11, 17)  # the seeded 36-month term, last day included
    assert list(entry.basis_records.all()) == [record]
    assert AuditEvent.objects.filter(action="lists.entry.create", target_id=str(entry.pk)).exists()
    told = Notice.objects.get(recipient=parties.account, topic="list")
    assert "信用修复告知" in told.body  # 两书同达
    assert subject_on_list(parties.subject.pk, "black", on=D(2026, 11, 20))
    assert subject_on_severe_list(parties.subject.pk, D(2026, 11, 20))  # repair eligibility, 元宝山 第二十九条
    assert not subject_on_severe_list(parties.subject.pk, D(2026, 11, 17))


def test_a_sanctioning_decision_without_repair_notice_is_refused_and_nothing_is_written(parties: Parties) -> None:
    from pubcredit.lists.services import list_entry_create

    with on(D(2026, 11, 20)), pytest.raises(ValidationFailed) as refused:
        list_entry_create(
            actor=parties.clerk,
            list_type=list_type("severe"),
            subject=parties.subject,
            decision_number="认定〔2026〕1号",
            reason="事由",
            decided_on=D(2026, 11, 18),
        )
    assert refused.value.field == "repair_notice" and "两书同达" in refused.value.message
    assert not ListEntry.objects.exists()


def test_basis_records_must_be_the_departments_own_and_the_subjects_own(
    parties: Parties, record_of: Callable[..., Record]
) -> None:
    others = record_of(by=parties.other_clerk.organisation)
    with on(D(2026, 11, 20)), pytest.raises(ValidationFailed) as refused:
        enter(parties.clerk, parties.subject, records=[others])
    assert refused.value.field == "records" and "不是本部门提供的记录" in refused.value.message
    assert not ListEntry.objects.exists()


def test_only_a_providers_clerk_enters_and_only_on_its_own_list_types(parties: Parties) -> None:
    with on(D(2026, 11, 20)):
        for outsider in (parties.consumer, parties.operator, parties.account):
            with pytest.raises(PermissionDenied):
                enter(outsider, parties.subject)
        restricted = list_type("watch")
        restricted.issuing_department = parties.other_clerk.organisation
        restricted.save()
        with pytest.raises(PermissionDenied):
            enter(parties.clerk, parties.subject, code="watch")
        assert enter(parties.other_clerk, parties.subject, code="watch").department == parties.other_clerk.organisation


def test_the_term_sweep_ends_entries_the_day_after_their_last_day_and_twice_does_nothing(parties: Parties) -> None:
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject, code="watch", decided_on=D(2026, 11, 20))
    assert entry.ends_on == D(2027, 11, 19)  # 12 months
    with on(D(2027, 11, 19)):
        assert list_entries_sweep() == 0  # still its last day
        assert subject_on_list(parties.subject.pk, "watch", on=D(2027, 11, 19))
    assert not subject_on_list(parties.subject.pk, "watch", on=D(2027, 11, 20))  # the stored end decides
    with on(D(2027, 11, 20)):
        assert list_entries_sweep() == 1
        assert list_entries_sweep() == 0
    entry.refresh_from_db()
    assert (entry.state, entry.exit_reason, entry.exited_on) == (EntryState.ENDED, ExitReason.TERM_END, D(2027, 11, 20))
    assert AuditEvent.objects.filter(action="lists.sweep").count() == 1


def test_the_department_withdraws_its_decision_with_a_reason(parties: Parties) -> None:
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject)
        with pytest.raises(PermissionDenied):
            list_entry_exit(actor=parties.other_clerk, entry=entry, reason=ExitReason.WITHDRAWAL, note="无权")
        with pytest.raises(ValidationFailed) as bad:
            list_entry_exit(actor=parties.clerk, entry=entry, reason="term_end", note="手工到期")
        assert bad.value.field == "reason"
        list_entry_exit(actor=parties.clerk, entry=entry, reason=ExitReason.WITHDRAWAL, note="行政复议撤销原决定")
    entry.refresh_from_db()
    assert (entry.state, entry.exit_reason, entry.exit_note) == (
        EntryState.ENDED,
        ExitReason.WITHDRAWAL,
        "行政复议撤销原决定",
    )
    with on(D(2026, 11, 21)), pytest.raises(ValidationFailed):
        list_entry_exit(actor=parties.clerk, entry=entry, reason=ExitReason.WITHDRAWAL, note="再次移出")


def test_an_entry_ends_on_repair_only_when_every_basis_record_is_repaired(
    parties: Parties, record_of: Callable[..., Record]
) -> None:
    first, second = record_of(), record_of(decided_on=D(2026, 7, 1))
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject, records=[first, second])
        record_hold_place(
            actor=parties.clerk, record=first, kind=AnnotationKind.REPAIR, text="已修复", article="", workflow="t:1"
        )
        assert (
            entries_exit_for_records(actor=parties.clerk, records=[first], reason=ExitReason.REPAIR, reference="XF1")
            == 0
        )
        record_hold_place(
            actor=parties.clerk, record=second, kind=AnnotationKind.REPAIR, text="已修复", article="", workflow="t:2"
        )
        assert (
            entries_exit_for_records(actor=parties.clerk, records=[second], reason=ExitReason.REPAIR, reference="XF2")
            == 1
        )
    entry.refresh_from_db()
    assert (entry.state, entry.exit_reason, entry.exit_reference) == (EntryState.ENDED, ExitReason.REPAIR, "XF2")


@override_settings(PUBCREDIT_POLICY="xian")
def test_an_entry_ends_when_its_record_is_deleted_on_objection(
    parties: Parties, record_of: Callable[..., Record]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pubcredit.objections.services import Answer, objection_answer, objection_check, objection_file

    record = record_of()
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    with on(D(2026, 11, 2)):
        entry = enter(parties.clerk, parties.subject, records=[record], decided_on=D(2026, 11, 2))
        objection = objection_file(
            actor=parties.account, records=[record], ground="error", statement="处罚已撤销", evidence=[pdf]
        )
    with on(D(2026, 11, 3)):
        objection = objection_check(actor=parties.operator, objection=objection)
    item = objection.items.get()
    with on(D(2026, 11, 5)):
        objection_answer(
            actor=parties.clerk, objection=objection, item=item, answer=Answer.UNVERIFIABLE, reason="卷宗缺失"
        )
    entry.refresh_from_db()
    assert (entry.state, entry.exit_reason, entry.exit_reference) == (
        EntryState.ENDED,
        ExitReason.OBJECTION,
        objection.number,
    )  # 西安 第三十一条 deletes the record; 元宝山方案 五（八）


def test_a_wrong_listing_is_voided_even_after_it_ended(parties: Parties) -> None:
    with on(D(2026, 11, 20)):
        entry = enter(parties.clerk, parties.subject)
        list_entry_exit(actor=parties.clerk, entry=entry, reason=ExitReason.WITHDRAWAL, note="撤销决定")
    with on(D(2026, 11, 25)):
        with pytest.raises(PermissionDenied):
            list_entry_void(actor=parties.auditor, entry=entry, note="审计不能撤销")
        list_entry_void(actor=parties.operator, entry=entry, note="主体名称录入错误，系错误列入")
    entry.refresh_from_db()
    assert (entry.state, entry.exit_reason, entry.exited_on) == (
        EntryState.VOID,
        ExitReason.WRONG_LISTING,
        D(2026, 11, 20),
    )
    assert Notice.objects.filter(recipient=parties.account, title__contains="已撤销").exists()
    with on(D(2026, 11, 26)), pytest.raises(ValidationFailed):
        list_entry_void(actor=parties.operator, entry=entry, note="再次撤销")


@override_settings(PUBCREDIT_POLICY="xian")
def test_published_lists_follow_the_pack_and_visibility_never_leaks(parties: Parties) -> None:
    with on(D(2026, 11, 20)):
        black = enter(parties.clerk, parties.subject)
        watch = enter(parties.clerk, parties.subject, code="watch")
        assert [e.pk for e in published_entries("black")] == [black.pk]
        assert published_entries("watch") == []  # lists.published_kinds: the watch list is not published
        assert set(list_entries_visible_to(parties.consumer).values_list("pk", flat=True)) == {black.pk}
        assert set(list_entries_visible_to(parties.clerk).values_list("pk", flat=True)) == {black.pk, watch.pk}
        assert set(list_entries_visible_to(parties.account).values_list("pk", flat=True)) == {black.pk, watch.pk}
        assert set(list_entries_visible_to(parties.other_clerk).values_list("pk", flat=True)) == {black.pk}
        assert set(list_entries_visible_to(parties.auditor).values_list("pk", flat=True)) == {black.pk, watch.pk}


@override_settings(PUBCREDIT_POLICY="xian")
def test_the_subject_page_shows_published_entries_only(parties: Parties) -> None:
    from django.test import Client

    with on(D(2026, 11, 20)):
        enter(parties.clerk, parties.subject, decision_number="西市监信认〔2026〕77号")
        enter(parties.clerk, parties.subject, code="watch", decision_number="西市监关注〔2026〕5号")
        page = Client().get(f"/subjects/{parties.subject.pk}/").content.decode()
    assert "西市监信认〔2026〕77号" in page
    assert "西市监关注〔2026〕5号" not in page  # the watch list is not published (lists.published_kinds)


def test_decision_files_of_rolled_back_entries_are_purged_after_a_day(parties: Parties, settings: object) -> None:
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from pubcredit.lists.services import decision_files_orphans_purge

    orphan = default_storage.save("lists/" + "0" * 64, ContentFile(b"%PDF-1.7 orphan"))
    old = time.time() - 2 * 86_400
    os.utime(default_storage.path(orphan), (old, old))
    fresh = default_storage.save("lists/" + "1" * 64, ContentFile(b"%PDF-1.7 fresh"))
    assert decision_files_orphans_purge() == 1
    assert not default_storage.exists(orphan) and default_storage.exists(fresh)
    assert decision_files_orphans_purge() == 0
