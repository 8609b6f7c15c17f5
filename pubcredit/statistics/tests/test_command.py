"""`pubcredit statistics rollup` and `purge-orphans` say what they did, and a second run the same."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from pubcredit.disclosure.tests.factories import make_record
from pubcredit.statistics.models import RollupRun, Tally
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("statistics", *args, stdout=out)
    return out.getvalue()


def test_rollup_rebuilds_the_tallies_and_a_second_run_gives_the_same_rows() -> None:
    make_record(OrgSubjectFactory.create())
    first = _run("rollup")
    rows = sorted(Tally.objects.values_list("metric", "month", "organisation_id", "dimension", "value"))
    assert first.startswith(f"{len(rows)} tallies rebuilt in") and rows
    assert _run("rollup").startswith(f"{len(rows)} tallies rebuilt in")
    assert sorted(Tally.objects.values_list("metric", "month", "organisation_id", "dimension", "value")) == rows
    assert RollupRun.objects.count() == 2


def test_purge_orphans_reports_what_it_deleted() -> None:
    assert _run("purge-orphans").strip() == "0 orphaned statistical-report files deleted"
