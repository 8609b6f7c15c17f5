"""The operator calendar in the database: import, publish, show, the admin, and the signal."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from pubcredit.core.errors import PermissionDenied
from pubcredit.core.models import AuditEvent, CalendarDay, CalendarYear
from pubcredit.core.workdays import calendar_year_published, deadline_after, is_working_day
from pubcredit.core.workdays.services import calendar_year_import
from pubcredit.core.workdays.types import DayEntry

pytestmark = pytest.mark.django_db

# NOT the real 2027 schedule (unknown when this was written): a plausible one, for testing only.
FICTIONAL_2027 = """date,working_day,name
2027-01-01,0,元旦
2027-01-31,1,春节调休上班
2027-02-05,0,春节
2027-02-06,0,春节
2027-02-07,0,春节
2027-02-08,0,春节
2027-02-09,0,春节
2027-02-10,0,春节
2027-02-11,0,春节
2027-02-12,0,春节
2027-02-13,0,春节
2027-02-20,1,春节调休上班
"""


@pytest.fixture
def schedule_file(tmp_path: Path) -> Path:
    path = tmp_path / "2027.csv"
    path.write_text(FICTIONAL_2027, encoding="utf-8")
    return path


@pytest.fixture
def announced() -> Iterator[list[int]]:
    years: list[int] = []

    def receiver(sender: Any, year: int, **kwargs: Any) -> None:
        years.append(year)

    calendar_year_published.connect(receiver, weak=False)
    yield years
    calendar_year_published.disconnect(receiver)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC), tick=False)
def test_importing_2027_makes_the_same_deadline_official(
    schedule_file: Path, announced: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    before = deadline_after(date(2026, 12, 31), 30)
    assert (before.date, before.provisional) == (date(2027, 2, 18), True)

    with django_capture_on_commit_callbacks(execute=True):
        output = _run("import", "2027", str(schedule_file), "--source", "示例通知（测试用）")
    assert "2027: imported 12 days (10 off, 2 working), status official" in output
    assert announced == [2027]

    after = deadline_after(date(2026, 12, 31), 30)
    assert (after.date, after.provisional) == (date(2027, 2, 19), False)
    stored = CalendarYear.objects.get(year=2027)
    assert stored.is_official
    assert stored.published_at == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert stored.entered_by_label == "command line"
    assert stored.source_note == "示例通知（测试用）"
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "target_id", "actor_id"))
    assert actions == [("calendar.import", str(stored.pk), None), ("calendar.publish", str(stored.pk), None)]


def test_a_draft_stays_provisional_until_published(
    schedule_file: Path, announced: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _run("import", "2027", str(schedule_file), "--draft")
    assert announced == []
    draft = deadline_after(date(2026, 12, 31), 30)
    assert (draft.date, draft.provisional) == (date(2027, 2, 19), True)
    assert "with the operator's draft entries" in _run("show", "2027")

    with django_capture_on_commit_callbacks(execute=True):
        assert _run("publish", "2027") == "2027: published as official\n"
    assert announced == [2027]
    assert deadline_after(date(2026, 12, 31), 30).provisional is False


def test_reimporting_an_official_year_announces_only_real_changes(
    schedule_file: Path, announced: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _run("import", "2027", str(schedule_file))
        _run("import", "2027", str(schedule_file))
    assert announced == [2027]
    schedule_file.write_text(FICTIONAL_2027.replace("2027-02-20,1,春节调休上班\n", ""), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        _run("import", "2027", str(schedule_file))
    assert announced == [2027, 2027]
    assert not is_working_day(date(2027, 2, 20)).working
    last_import = AuditEvent.objects.filter(action="calendar.import").order_by("seq").last()
    assert last_import is not None
    assert last_import.data["changed_dates"] == ["2027-02-20"]


def test_show_prints_the_provisional_year_and_refuses_beyond_it() -> None:
    output = _run("show", "2027")
    assert output.startswith("2027 calendar: PROVISIONAL")
    assert "2027-02-09 Tue  off      春节补假  (provisional)" in output
    assert "working days:" in output
    with pytest.raises(CommandError, match="2029 is outside the calendar"):
        _run("show", "2029")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"cannot read .*nope\.csv: No such file"):
        _run("import", "2027", str(tmp_path / "nope.csv"))


def test_import_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("2027-02-06,0,春节\n2027-13-01,0,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        _run("import", "2027", str(path))
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_users_allowed_to_edit_the_calendar_may_import(plain_user: Any, calendar_operator: Any) -> None:
    entries = [DayEntry(date(2027, 1, 1), False, "元旦")]
    with pytest.raises(PermissionDenied, match="2027"):
        calendar_year_import(actor=plain_user, year=2027, entries=entries)
    calendar_year_import(actor=calendar_operator, year=2027, entries=entries, publish=False)
    stored = CalendarYear.objects.get(year=2027)
    assert stored.entered_by_id == calendar_operator.pk
    assert AuditEvent.objects.get(action="calendar.import").actor_id == calendar_operator.pk


def test_admin_publishing_a_year_is_audited_and_announced(
    admin_client: Client, admin_user: Any, announced: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    form = {
        "year": "2027",
        "status": "official",
        "source_note": "示例通知（测试用）",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-02-08",
        "days-0-name": "春节",
        "days-1-date": "2027-02-20",
        "days-1-is_working_day": "on",
        "days-1-name": "春节调休上班",
    }
    with time_machine.travel(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), tick=False):
        admin_client.force_login(admin_user)  # a session opened at the travelled-to time
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/admin/core/calendaryear/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert announced == [2027]
    stored = CalendarYear.objects.get(year=2027)
    assert stored.entered_by_id == admin_user.pk
    assert stored.published_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert list(CalendarDay.objects.values_list("date", "is_working_day")) == [
        (date(2027, 2, 8), False),
        (date(2027, 2, 20), True),
    ]
    edit, publish = AuditEvent.objects.order_by("seq")
    assert (edit.action, publish.action) == ("calendar.edit", "calendar.publish")
    assert edit.data["changed_dates"] == ["2027-02-08", "2027-02-20"]
    assert is_working_day(date(2027, 2, 20)).working
    assert not is_working_day(date(2027, 2, 20)).provisional


def test_admin_refuses_a_day_outside_the_year(admin_client: Client) -> None:
    form = {
        "year": "2027",
        "status": "draft",
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2028-01-01",
        "days-0-name": "元旦",
    }
    response = admin_client.post("/admin/core/calendaryear/add/", form)
    assert response.status_code == 200
    assert "不属于 2027 年度" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_the_audit_log_is_read_only_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get("/admin/core/auditevent/").status_code == 200
    assert admin_client.get("/admin/core/auditevent/add/").status_code == 403
