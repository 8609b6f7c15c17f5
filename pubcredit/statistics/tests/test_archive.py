# ruff: noqa: F811  (the `scene` fixture of test_assessment is imported and requested by name)
"""The archive register of the assessment files (南通 第二十条: statistical analysis reports are
kept under an archive registration system).

A downloaded file is registered once (number, period, district, format, rollup, SM3, size,
private path, who and when) and served from the archive when the same report from the same
rollup is asked again; a newer rollup gives a new entry and the two name each other. An archived
file is checked against its digest before it is served: a tampered or missing file is refused in
Chinese and audited. Operators, the authority and auditors open the register; a failed storage
write leaves neither a file nor a row.

Uses the scene of `test_assessment` (figures for 2026-Q3, rolled up on 2026-10-15 09:00).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import PERSONAS, OperatorFactory
from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import PermissionDenied
from pubcredit.core.models import AuditEvent
from pubcredit.core.roles import Role
from pubcredit.lists.tests.conftest import (  # noqa: F401
    decision_storage,
    on,
    seeded_list_types_and_measures,
)
from pubcredit.statistics import archive
from pubcredit.statistics.archive import (
    STORAGE_DIR,
    ReportKey,
    statistical_report_archive,
    statistical_report_orphans_purge,
)
from pubcredit.statistics.assessment import Period, assessment_build
from pubcredit.statistics.assessment_render import assessment_download
from pubcredit.statistics.models import RollupRun, StatisticalReport, StatisticalReportKind
from pubcredit.statistics.rollup import rollup_run
from pubcredit.statistics.tests.test_assessment import TODAY, Scene, scene  # noqa: F401

pytestmark = pytest.mark.django_db
D = dt.date
NUMBER = re.compile(r"^TJ20261015\d{6}$")
REGISTER = "statistics.statistical_report.register"
DOWNLOAD = "statistics.assessment_download"
ARCHIVE_DOWNLOAD = "statistics.statistical_report.download"
TAMPERED = "statistics.statistical_report.tampered"
MISSING = "statistics.statistical_report.missing"


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(user: User | None, name: str, *, args: tuple[Any, ...] = (), hour: int = 11, **query: str) -> Any:
    with on(TODAY, hour=hour):
        return _client(user).get(reverse(name, args=args), query)


def _stored(report: StatisticalReport) -> Path:
    return Path(settings.MEDIA_ROOT) / report.path


def _files() -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / STORAGE_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _actions(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- registration and reuse ------------------------------------------------------------------


def test_the_first_download_registers_the_file(scene: Scene) -> None:
    response = _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    assert response.status_code == 200
    report = StatisticalReport.objects.get()
    rollup = RollupRun.objects.get()
    assert NUMBER.match(report.number), report.number
    assert (report.kind, report.period, report.period_label, report.district, report.file_format) == (
        StatisticalReportKind.ASSESSMENT,
        "2026-Q3",
        "2026年第三季度",
        "",
        "xlsx",
    )
    assert (report.rollup, report.providers) == (rollup, 3)
    assert report.sha == sm3_hex(response.content)
    assert report.size == len(response.content)
    assert report.path == f"{STORAGE_DIR}/{report.sha}.xlsx"
    assert _stored(report).read_bytes() == response.content
    assert (report.generated_by, report.generated_by_label) == (scene.operator, str(scene.operator))
    assert report.generated_at == dt.datetime(2026, 10, 15, 3, tzinfo=dt.UTC)
    assert (report.supersedes, report.superseded_by) == (None, None)

    [registered] = _actions(REGISTER)
    assert registered.target_id == str(report.pk)
    assert registered.data["number"] == report.number
    assert registered.data["sm3"].replace("-", "") == report.sha
    assert (registered.data["rollup_id"], registered.data["supersedes"]) == (rollup.pk, [])
    [download] = _actions(DOWNLOAD)
    assert (download.data["number"], download.data["archived"]) == (report.number, "registered")


def test_the_stored_file_is_not_under_a_public_url(scene: Scene) -> None:
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    report = StatisticalReport.objects.get()
    assert _client(scene.operator).get("/" + report.path).status_code == 404
    assert _client(scene.operator).get(f"/media/{report.path}").status_code == 404


def test_the_same_report_from_the_same_rollup_is_served_from_the_archive(scene: Scene) -> None:
    first = _get(scene.operator, "statistics:assessment_pdf", period="2026-Q3", hour=11)
    again = _get(scene.authority, "statistics:assessment_pdf", period="2026-Q3", hour=15)
    assert first.status_code == again.status_code == 200
    # The PDF prints its generation time: the second answer is the archived bytes, not a new file.
    assert again.content == first.content
    report = StatisticalReport.objects.get()
    assert report.generated_by == scene.operator
    assert len(_actions(REGISTER)) == 1
    downloads = _actions(DOWNLOAD)
    assert [(e.actor_id, e.data["number"], e.data["archived"]) for e in downloads] == [
        (scene.operator.pk, report.number, "registered"),
        (scene.authority.pk, report.number, "reused"),
    ]


def test_another_district_or_format_is_another_entry(scene: Scene) -> None:
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3", district="碑林区")
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-09")
    _get(scene.operator, "statistics:assessment_pdf", period="2026-09")
    rows = list(StatisticalReport.objects.order_by("pk").values_list("period", "district", "file_format", "providers"))
    assert rows == [
        ("2026-Q3", "", "xlsx", 3),
        ("2026-Q3", "碑林区", "xlsx", 1),
        ("2026-09", "", "xlsx", 3),
        ("2026-09", "", "pdf", 3),
    ]
    numbers = list(StatisticalReport.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 4 and all(NUMBER.match(n) for n in numbers)
    assert not StatisticalReport.objects.exclude(superseded_by=None).exists()


def test_a_newer_rollup_gives_a_new_entry_and_both_name_the_supersession(scene: Scene) -> None:
    first = _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3", hour=11)
    _get(scene.operator, "statistics:assessment_pdf", period="2026-Q3", hour=11)
    with on(TODAY, hour=13):
        rollup_run()
    again = _get(scene.authority, "statistics:assessment_xlsx", period="2026-Q3", hour=14)
    assert again.status_code == 200 and again.content != first.content

    old, pdf, new = StatisticalReport.objects.order_by("pk")
    assert new.rollup == RollupRun.objects.order_by("-finished_at").first() != old.rollup
    assert new.sha == sm3_hex(again.content)
    assert (new.supersedes, new.superseded_by) == (old, None)
    assert (old.supersedes, old.superseded_by) == (None, new)
    assert (pdf.supersedes, pdf.superseded_by) == (None, None)  # the PDF was not asked again
    assert _stored(old).read_bytes() == first.content  # the superseded file stays in the archive
    assert _actions(REGISTER)[-1].data["supersedes"] == [old.number]

    # Asked again after the new rollup: the new entry serves; no third xlsx entry.
    third = _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3", hour=16)
    assert third.content == again.content
    assert StatisticalReport.objects.filter(file_format="xlsx").count() == 2

    html = _get(PERSONAS[Role.AUDITOR].create(), "statistics:assessment_archive").content.decode()
    assert f"已被 {new.number} 替代" in html and f"替代 {old.number}" in html


def test_before_any_rollup_the_file_is_registered_and_the_first_rollup_supersedes_it(db: None) -> None:
    operator = OperatorFactory.create()
    before = _get(operator, "statistics:assessment_xlsx", period="2026-Q3", hour=8)
    again = _get(operator, "statistics:assessment_xlsx", period="2026-Q3", hour=9)
    assert before.status_code == again.status_code == 200 and again.content == before.content
    with on(TODAY, hour=10):
        rollup_run()
    _get(operator, "statistics:assessment_xlsx", period="2026-Q3", hour=11)
    old, new = StatisticalReport.objects.order_by("pk")
    assert (old.rollup, new.rollup) == (None, RollupRun.objects.get())
    assert (old.superseded_by, new.supersedes) == (new, old)


def test_a_rollup_finished_while_a_file_was_made_keeps_the_newer_entry_current(scene: Scene) -> None:
    """The older file registered late is recorded as already superseded, not as the current one."""
    old_rollup = RollupRun.objects.get()
    with on(TODAY, hour=13):
        rollup_run()
        fresh = assessment_build(period=Period("quarter", 2026, 3), district="", now=timezone.now(), today=TODAY)
        newer = assessment_download(actor=scene.operator, assessment=fresh, file_format="xlsx")
        stale = _key(old_rollup)
        late = statistical_report_archive(
            actor=scene.operator, key=stale, period_label="2026年第三季度", providers=3, render=lambda: b"late bytes"
        )
    current = StatisticalReport.objects.get(rollup=fresh.rollup)
    assert current.sha == sm3_hex(newer.content)
    assert (late.report.superseded_by, current.superseded_by, current.supersedes) == (current, None, None)


def _key(rollup: RollupRun) -> ReportKey:
    return ReportKey(
        kind=StatisticalReportKind.ASSESSMENT, period="2026-Q3", district="", file_format="xlsx", rollup=rollup
    )


def test_two_people_registering_the_same_report_at_once_get_the_first_file(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second registration hits the unique key, removes its own file and serves the first."""
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    winner = StatisticalReport.objects.get()
    real_find = archive.statistical_report_find
    calls: list[int] = []

    def find_nothing_first(key: ReportKey) -> StatisticalReport | None:
        calls.append(1)
        return None if len(calls) == 1 else real_find(key)

    monkeypatch.setattr(archive, "statistical_report_find", find_nothing_first)
    with on(TODAY, hour=12):
        answer = statistical_report_archive(
            actor=scene.authority,
            key=_key(RollupRun.objects.get()),
            period_label="2026年第三季度",
            providers=3,
            render=lambda: b"the loser's bytes",
        )
    assert (answer.report, answer.registered) == (winner, False)
    assert answer.content == _stored(winner).read_bytes()
    assert StatisticalReport.objects.count() == 1
    assert _files() == [Path(winner.path).name]


# --- nothing half-written --------------------------------------------------------------------


def _assessment() -> Any:
    with on(TODAY, hour=11):
        return assessment_build(period=Period("quarter", 2026, 3), district="", now=timezone.now(), today=TODAY)


def test_a_failed_storage_write_leaves_neither_file_nor_row(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(self: FileSystemStorage, name: str, content: Any) -> str:
        Path(self.path(name)).parent.mkdir(parents=True, exist_ok=True)
        Path(self.path(name)).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    report = _assessment()
    with on(TODAY, hour=11), pytest.raises(OSError, match="No space left"):
        assessment_download(actor=scene.operator, assessment=report, file_format="xlsx")
    assert not StatisticalReport.objects.exists()
    assert _files() == []
    assert not _actions(REGISTER) and not _actions(DOWNLOAD)

    monkeypatch.undo()
    with on(TODAY, hour=11):
        assessment_download(actor=scene.operator, assessment=report, file_format="xlsx")
    assert StatisticalReport.objects.count() == 1 and len(_files()) == 1


def test_a_failure_after_the_file_was_written_removes_the_file(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    def chain_unavailable(**kwargs: Any) -> None:
        assert default_storage.exists(f"{STORAGE_DIR}/{_files()[0]}")  # the file was written first
        raise RuntimeError("audit chain unavailable")

    monkeypatch.setattr(archive, "audit_record", chain_unavailable)
    with on(TODAY, hour=11), pytest.raises(RuntimeError, match="audit chain unavailable"):
        assessment_download(actor=scene.operator, assessment=_assessment(), file_format="xlsx")
    assert not StatisticalReport.objects.exists()
    assert _files() == []


def test_unreferenced_files_are_purged_after_a_day_and_registered_ones_kept(scene: Scene) -> None:
    """A file is left without a row only when a caller's enclosing transaction rolled back."""
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    kept = StatisticalReport.objects.get()
    now = timezone.now()
    two_days_ago = (now - dt.timedelta(days=2)).timestamp()
    orphan = default_storage.save(f"{STORAGE_DIR}/{'0' * 64}.xlsx", ContentFile(b"left behind"))
    fresh = default_storage.save(f"{STORAGE_DIR}/{'1' * 64}.xlsx", ContentFile(b"being registered"))
    for path in (orphan, kept.path):
        os.utime(Path(settings.MEDIA_ROOT) / path, (two_days_ago, two_days_ago))
    assert statistical_report_orphans_purge(now=now) == 1
    assert _files() == sorted([Path(kept.path).name, Path(fresh).name])
    assert _actions("statistics.statistical_report.orphans_purge")[0].data == {"purged": 1}


# --- the SM3 check ---------------------------------------------------------------------------


def test_a_tampered_file_is_refused_and_audited_never_served(scene: Scene) -> None:
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    report = StatisticalReport.objects.get()
    _stored(report).write_bytes(b"PK\x03\x04 a different workbook")
    auditor = PERSONAS[Role.AUDITOR].create()

    response = _get(auditor, "statistics:assessment_archive_file", args=(report.pk,))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"统计报告 {report.number} 的存档文件与登记的 SM3 摘要不符，可能已被篡改，不予提供" in html
    assert b"a different workbook" not in response.content
    [event] = _actions(TAMPERED)
    assert (event.actor_id, event.target_id, event.data["number"]) == (auditor.pk, str(report.pk), report.number)
    assert event.data["found_sm3"].replace("-", "") == sm3_hex(b"PK\x03\x04 a different workbook")
    assert not _actions(ARCHIVE_DOWNLOAD)

    # Asking the assessment page's download again finds the same entry and refuses it too.
    again = _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    assert again.status_code == 409 and "SM3 摘要不符" in again.content.decode()
    assert len(_actions(TAMPERED)) == 2
    assert len(_actions(DOWNLOAD)) == 1 and StatisticalReport.objects.count() == 1


def test_a_missing_file_is_refused_and_audited(scene: Scene) -> None:
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    report = StatisticalReport.objects.get()
    _stored(report).unlink()
    response = _get(scene.authority, "statistics:assessment_archive_file", args=(report.pk,))
    assert response.status_code == 404
    assert f"统计报告 {report.number} 的存档文件不存在" in response.content.decode()
    [event] = _actions(MISSING)
    assert event.data["number"] == report.number


def test_an_intact_file_is_served_as_stored_and_audited(scene: Scene) -> None:
    first = _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    report = StatisticalReport.objects.get()
    response = _get(scene.authority, "statistics:assessment_archive_file", args=(report.pk,))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == first.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="assessment-2026-Q3-{report.number}.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    [event] = _actions(ARCHIVE_DOWNLOAD)
    assert (event.actor_id, event.data["number"]) == (scene.authority.pk, report.number)


# --- the list --------------------------------------------------------------------------------


def _register_rows(count: int, period: str, start: dt.datetime) -> list[StatisticalReport]:
    return [
        StatisticalReport.objects.create(
            number=f"TJ20261015{n:06d}" if period == "2026-Q3" else f"TJ20261015{900000 + n:06d}",
            kind=StatisticalReportKind.ASSESSMENT,
            period=period,
            period_label=period,
            district="",
            file_format="xlsx",
            rollup=None
            if n == 0
            else RollupRun.objects.create(
                started_at=start, finished_at=start + dt.timedelta(minutes=n), seconds=1, rows=1
            ),
            sha="a" * 64,
            size=1,
            path=f"{STORAGE_DIR}/{'a' * 64}.xlsx",
            generated_at=start + dt.timedelta(minutes=n),
            generated_by_label="测试",
        )
        for n in range(count)
    ]


def test_the_list_is_newest_first_paginated_and_filtered_by_period(db: None) -> None:
    start = dt.datetime(2026, 10, 15, 1, tzinfo=dt.UTC)
    quarter = _register_rows(52, "2026-Q3", start)
    month = _register_rows(1, "2026-09", start + dt.timedelta(hours=5))
    operator = OperatorFactory.create()

    first = _get(operator, "statistics:assessment_archive").content.decode()
    shown = re.findall(r'<tr data-report="(\d+)">', first)
    assert len(shown) == 50
    assert shown[:2] == [str(month[0].pk), str(quarter[-1].pk)]
    assert "共 53 份" in first and "第 1 / 2 页" in first

    filtered = _get(operator, "statistics:assessment_archive", period="2026-q3", page="2").content.decode()
    assert re.findall(r'<tr data-report="(\d+)">', filtered) == [str(quarter[1].pk), str(quarter[0].pk)]
    assert "共 52 份" in filtered and 'href="?period=2026-Q3&page=1"' in filtered

    september = _get(operator, "statistics:assessment_archive", period="2026-09").content.decode()
    assert re.findall(r'<tr data-report="(\d+)">', september) == [str(month[0].pk)]


@pytest.mark.parametrize(
    ("period", "message"),
    [("2026-13", "统计期间“2026-13”无效：月份须为 1 至 12"), ("季度", "统计期间“季度”无法识别")],
)
def test_a_bad_period_filter_answers_400_in_chinese(db: None, period: str, message: str) -> None:
    response = _get(OperatorFactory.create(), "statistics:assessment_archive", period=period)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "archive-table" not in html


def test_an_empty_register_says_so_and_the_assessment_page_links_to_it(db: None) -> None:
    operator = OperatorFactory.create()
    assert "没有存档的考核报告" in _get(operator, "statistics:assessment_archive").content.decode()
    page = _get(operator, "statistics:assessment").content.decode()
    assert f'href="{reverse("statistics:assessment_archive")}"' in page


# --- who may open it -------------------------------------------------------------------------

NAMES = ["statistics:assessment_archive", "statistics:assessment_archive_file"]


def _args(name: str, report: StatisticalReport) -> tuple[Any, ...]:
    return (report.pk,) if name.endswith("_file") else ()


@pytest.mark.parametrize("name", NAMES)
def test_the_public_is_sent_to_the_login_page(scene: Scene, name: str) -> None:
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    response = _get(None, name, args=_args(name, StatisticalReport.objects.get()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", [Role.SUBJECT, Role.PROVIDER, Role.CONSUMER])
def test_other_roles_are_refused(scene: Scene, name: str, role: Role) -> None:
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    response = _get(PERSONAS[role].create(), name, args=_args(name, StatisticalReport.objects.get()))
    assert response.status_code == 403
    assert not _actions(ARCHIVE_DOWNLOAD)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AUTHORITY, Role.AUDITOR])
def test_operators_the_authority_and_auditors_open_it(scene: Scene, name: str, role: Role) -> None:
    _get(scene.operator, "statistics:assessment_xlsx", period="2026-Q3")
    report = StatisticalReport.objects.get()
    user = PERSONAS[role].create()
    response = _get(user, name, args=_args(name, report))
    assert response.status_code == 200
    if name.endswith("_file"):
        assert [e.actor_id for e in _actions(ARCHIVE_DOWNLOAD)] == [user.pk]
    else:
        html = response.content.decode()
        assert report.number in html
        # Auditors inspect the register; the assessment itself stays with operators and the authority.
        assert (f'href="{reverse("statistics:assessment")}"' in html) == (role != Role.AUDITOR)


def test_auditors_read_the_register_but_make_no_report(db: None) -> None:
    auditor = PERSONAS[Role.AUDITOR].create()
    assert _get(auditor, "statistics:assessment_xlsx", period="2026-Q3").status_code == 403
    with on(TODAY, hour=11), pytest.raises(PermissionDenied):
        statistical_report_archive(
            actor=auditor,
            key=ReportKey(StatisticalReportKind.ASSESSMENT, "2026-Q3", "", "xlsx", None),
            period_label="2026年第三季度",
            providers=0,
            render=lambda: b"x",
        )
    assert not StatisticalReport.objects.exists()


def test_an_unknown_entry_answers_404(db: None) -> None:
    response = _get(OperatorFactory.create(), "statistics:assessment_archive_file", args=(999999,))
    assert response.status_code == 404


def test_the_admin_shows_the_register_read_only(db: None) -> None:
    model_admin = admin.site._registry[StatisticalReport]
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
