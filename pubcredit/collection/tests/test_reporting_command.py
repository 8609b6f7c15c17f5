"""`pubcredit reporting sweep` and `pubcredit reporting duties`: counts in English, bad input exits 2."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pubcredit.collection.models import ReportingNotice
from pubcredit.collection.tests.test_reporting_fixtures import *  # noqa: F403 (fixtures)
from pubcredit.collection.tests.test_reporting_fixtures import on_day, provider_of, set_duty

ROOT = Path(__file__).resolve().parents[3]
D = dt.date
SWEEP_DAY = D(2026, 10, 9)


def run(*args: str, day: dt.date = SWEEP_DAY) -> str:
    out = StringIO()
    with on_day(day):
        call_command("reporting", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_sweep_prints_counts_and_a_second_run_issues_nothing(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    first = run("sweep", "--date", "2026-10-09")
    assert first.strip() == (
        "Reporting sweep for 2026-10-09 (pack xian, late providers: reminder_then_criticism): "
        "1 overdue duties; notices issued: 1 reminder; already issued: 0"
    )
    second = run("sweep", "--date", "2026-10-09")
    assert "notices issued: none; already issued: 1" in second
    assert ReportingNotice.objects.count() == 1


@pytest.mark.django_db
def test_sweep_defaults_to_today(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk))
    assert "Reporting sweep for 2026-10-16" in run("sweep", day=D(2026, 10, 16))


@pytest.mark.django_db
def test_sweep_under_a_pack_without_consequence_says_so(settings, catalogue, operator, clerk) -> None:
    settings.PUBCREDIT_POLICY = "national"
    set_duty(operator, provider_of(clerk))
    output = run("sweep", "--date", "2026-10-20")
    assert "late providers: none): 1 overdue duties; notices issued: none" in output
    assert "1 overdue duties get no notice: the pack sets no consequence" in output


@pytest.mark.django_db
def test_duties_lists_due_dates_and_overdue_ones(catalogue, operator, clerk, other_clerk) -> None:
    set_duty(operator, provider_of(clerk))
    set_duty(operator, provider_of(other_clerk), code="XK", frequency="monthly")
    listing = run("duties", "--date", "2026-10-09")
    lines = listing.splitlines()
    assert lines[0].split() == ["item", "frequency", "last", "report", "next", "due", "state", "provider"]
    assert lines[1].split()[:5] == ["CF", "weekly", "-", "2026-10-08", "OVERDUE"]
    assert lines[2].split()[:5] == ["XK", "monthly", "-", "2026-10-28", "ok"]
    assert lines[-1] == "2 duties, 1 overdue on 2026-10-09 (* = provisional calendar)"
    only = run("duties", "--overdue", "--date", "2026-10-09")
    assert "XK" not in only and only.splitlines()[-1].startswith("1 duties, 1 overdue")


@pytest.mark.django_db
def test_provisional_due_date_is_starred(catalogue, operator, clerk) -> None:
    set_duty(operator, provider_of(clerk), day=D(2026, 12, 28))
    assert "2027-01-04*" in run("duties", day=D(2026, 12, 28))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sweep", "--date", "2026-13-01"), "--date '2026-13-01' is not a date in the form YYYY-MM-DD"),
        (("duties", "--date", "yesterday"), "--date 'yesterday' is not a date in the form YYYY-MM-DD"),
        (("sweep", "--date", "2040-01-02"), "--date 2040-01-02 is outside the working-day calendar"),
    ],
)
def test_bad_dates_are_one_english_sentence_with_status_2(catalogue, args, message) -> None:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value) and caught.value.returncode == 2


def test_bad_date_from_the_command_line_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUBCREDIT_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="x" * 50,
        PUBCREDIT_SM4_KEY="00112233445566778899aabbccddeeff",
        PUBCREDIT_INDEX_KEY="ab" * 32,
        PUBCREDIT_POLICY="xian",
        PUBCREDIT_ENV_FILE="/nonexistent",
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pubcredit.cli", "reporting", "sweep", "--date", "2026-02-30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "CommandError: --date '2026-02-30' is not a date in the form YYYY-MM-DD"
    ]
