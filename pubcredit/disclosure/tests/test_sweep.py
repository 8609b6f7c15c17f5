"""The expiry sweep on the database in use (run the suite on SQLite and on PostgreSQL)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from pubcredit.core.models import AuditEvent
from pubcredit.disclosure.models.outcomes import Tombstone
from pubcredit.disclosure.services.sweep import disclosure_sweep
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.records.models import Record, RecordVersion

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


def _status(record: Record) -> str:
    record.refresh_from_db()
    return record.status


def test_yuanbaoshan_archives_organisations_and_purges_persons(pack, company, person):
    ended = DAY - dt.timedelta(days=1)
    org_old = make_record(company, disclosure_ends_on=ended)
    org_current = make_record(company, disclosure_ends_on=DAY)
    org_long = make_record(company, disclosure_ends_on=None)
    person_old = make_record(person, disclosure_ends_on=ended, data={"CF_XDR_MC": person.name})
    person_kept = make_record(person, disclosure_ends_on=ended, retention_ends_on=DAY + dt.timedelta(days=400))
    with pack("yuanbaoshan"):
        result = disclosure_sweep(on=DAY)
        assert (result.organisations_archived, result.persons_purged, result.persons_archived) == (1, 1, 1)
        assert [_status(r) for r in (org_old, org_current, org_long)] == ["archived", "active", "active"]
        assert _status(person_old) == "purged"
        assert _status(person_kept) == "archived"
        person_old.refresh_from_db()
        assert person_old.data == {}
        assert RecordVersion.objects.get(record=person_old).data == {}
        tombstone = Tombstone.objects.get(record_id=person_old.pk)
        assert (tombstone.article, tombstone.pack, tombstone.item_code) == (
            "元宝山 第二十八条",
            "yuanbaoshan",
            person_old.item_code,
        )
        events = AuditEvent.objects.filter(action="disclosure.sweep")
        assert events.count() == 1 and events.get().data["persons_purged"] == 1

        second = disclosure_sweep(on=DAY)
        assert second.changed == 0
        assert Tombstone.objects.count() == 1
        assert AuditEvent.objects.filter(action="disclosure.sweep").count() == 2


def test_national_baseline_archives_persons_instead_of_purging(pack, person):
    record = make_record(person, disclosure_ends_on=DAY - dt.timedelta(days=1))
    with pack("nantong"):
        result = disclosure_sweep(on=DAY)
    assert (result.persons_archived, result.persons_purged) == (1, 0)
    assert _status(record) == "archived"
    assert not Tombstone.objects.exists()


def test_archived_person_is_purged_when_retention_ends(pack, person):
    record = make_record(person, disclosure_ends_on=DAY - dt.timedelta(days=30), retention_ends_on=DAY)
    with pack("xian"):
        disclosure_sweep(on=DAY)
        assert _status(record) == "archived"
        disclosure_sweep(on=DAY + dt.timedelta(days=1))
        assert _status(record) == "purged"
        assert Tombstone.objects.get(record_id=record.pk).article == "西安 第二十二条"


def test_command_prints_counts(pack, company, capsys):
    make_record(company, disclosure_ends_on=DAY - dt.timedelta(days=1))
    with pack("xian"), time_machine.travel(dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        call_command("disclosure", "sweep", "--date", DAY.isoformat())
        call_command("disclosure", "sweep")
    out = capsys.readouterr().out
    assert "1 organisations' records archived" in out
    assert "0 organisations' records archived" in out


def test_windows_cover_every_row_when_chunks_are_small(pack, company, person, monkeypatch):
    """Several windows, one day holding more rows than a chunk: every due row is changed once."""
    from pubcredit.disclosure.services import sweep

    monkeypatch.setattr(sweep, "CHUNK", 2)
    ends = [DAY - dt.timedelta(days=n) for n in (1, 1, 1, 1, 2, 3, 5, 8, 13)]
    orgs = [make_record(company, disclosure_ends_on=end) for end in ends]
    persons = [make_record(person, disclosure_ends_on=end) for end in ends[:5]]
    not_due = make_record(company, disclosure_ends_on=DAY)
    with pack("xian"):
        result = disclosure_sweep(on=DAY)
    assert (result.organisations_archived, result.persons_purged) == (len(orgs), len(persons))
    assert {_status(r) for r in orgs} == {"archived"} and {_status(r) for r in persons} == {"purged"}
    assert _status(not_due) == "active"
    assert Tombstone.objects.count() == len(persons)


def test_a_time_budget_spreads_a_catch_up_over_runs_that_each_progress(pack, company, person, monkeypatch, capsys):
    """With no time to spare each run still changes one chunk per step, says it is incomplete, and
    the runs together change every due row once; then a run finds nothing and says it is complete."""
    from pubcredit.disclosure.services import sweep

    monkeypatch.setattr(sweep, "CHUNK", 2)
    ends = [DAY - dt.timedelta(days=n) for n in (1, 1, 1, 2, 3, 5, 8)]
    orgs = [make_record(company, disclosure_ends_on=end) for end in ends]
    persons = [make_record(person, disclosure_ends_on=end) for end in ends[:5]]
    runs = []
    with pack("xian"):
        while not runs or not runs[-1].complete:
            runs.append(disclosure_sweep(on=DAY, max_seconds=0))
            assert len(runs) <= 20
        again = disclosure_sweep(on=DAY, max_seconds=0)
        call_command("disclosure", "sweep", "--date", DAY.isoformat(), "--max-seconds", "60")
    assert len(runs) > 2 and all(run.changed for run in runs[:-1])
    assert sum(run.organisations_archived for run in runs) == len(orgs)
    assert sum(run.persons_purged for run in runs) == len(persons)
    assert {_status(r) for r in orgs} == {"archived"} and {_status(r) for r in persons} == {"purged"}
    assert again.complete and again.changed == 0
    out = capsys.readouterr().out
    assert "0 organisations' records archived" in out and "time limit" not in out
    audits = AuditEvent.objects.filter(action="disclosure.sweep").order_by("seq")
    assert [event.data["complete"] for event in audits][: len(runs)] == [run.complete for run in runs]


def test_the_time_budget_must_be_a_positive_whole_number(pack):
    with pytest.raises(CommandError, match="must be greater than zero"):
        call_command("disclosure", "sweep", "--max-seconds", "0")
