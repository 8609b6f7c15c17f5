"""Scores computed from the database: the full batch, the incremental run by watermark, the
stored explanation, and the supervision grade selector."""

from __future__ import annotations

import datetime as dt

import pytest

from pubcredit.accounts.tests.factories import ProviderClerkFactory
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.evaluation.models import Score, ScoreDirty, ScoreWatermark
from pubcredit.evaluation.scores import scores_recompute
from pubcredit.evaluation.selectors import score_of, supervision_grade
from pubcredit.evaluation.tests.conftest import DAY, at
from pubcredit.lists.tests.factories import enter
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = pytest.mark.django_db


def scores() -> dict[tuple[int, str], tuple[int, str]]:
    return {(s.subject_id, s.scorecard): (s.points, s.grade) for s in Score.objects.all()}


def test_the_full_batch_scores_every_subject_with_its_scorecards() -> None:
    with at(DAY):
        clean = OrgSubjectFactory.create()
        penalised = OrgSubjectFactory.create()
        person = PersonSubjectFactory.create()
        make_record(penalised, tier="severe", decided_on=DAY - dt.timedelta(days=730))
        make_record(penalised, kind="good", info_class="commendation", decided_on=dt.date(2026, 3, 1))
        make_record(penalised, kind="basic", info_class="registration", decided_on=dt.date(2020, 3, 1))
        # Not counted: withdrawn, past its public end, decided after the day.
        make_record(clean, tier="severe", status="withdrawn")
        make_record(clean, tier="severe", disclosure_ends_on=DAY - dt.timedelta(days=1))
        make_record(clean, tier="severe", decided_on=DAY + dt.timedelta(days=1))
        make_record(person, tier="minor", decided_on=dt.date(2026, 11, 1))
        result = scores_recompute()
    assert result.mode == "all"
    assert result.subjects == 3
    assert result.scores == 3 + 3 + 1  # organisations: three scorecards; persons: supervision only
    got = scores()
    assert got[(clean.pk, "public_credit_org")] == (830, "good")
    # 800 + 50 basic + 20 good - 60 (half of -120 after 730 days) - 15 (latest bad 730 days ago)
    assert got[(penalised.pk, "public_credit_org")] == (795, "good")
    assert got[(penalised.pk, "supervision_grade")] == (60, "C")
    assert got[(person.pk, "supervision_grade")] == (95, "A")
    assert (person.pk, "public_credit_org") not in got
    stored = score_of(penalised.pk, "public_credit_org")
    assert stored is not None and stored.version == 1 and stored.computed_on == DAY
    assert stored.explanation[0] == ["基础分", 800, "公共信用评价（法人和非法人组织）（第 1 版）"]
    assert ["严重失信信息", -60, "严重失信信息（按时间衰减）0.5 条，半衰期 730 天，每项 -120 分"] in stored.explanation
    assert supervision_grade(person.pk) == "A"
    assert supervision_grade(OrgSubjectFactory.create().pk) is None


def test_a_new_bad_record_changes_only_that_subjects_score() -> None:
    with at(DAY, 8):
        subjects = OrgSubjectFactory.create_batch(3)
        for subject in subjects:
            make_record(subject, tier="minor", decided_on=dt.date(2026, 1, 5))
    with at(DAY, 9):
        scores_recompute()
        before = {s.subject_id: (s.points, s.computed_at) for s in Score.objects.filter(scorecard="supervision_grade")}
    target = subjects[1]
    with at(DAY, 11):
        make_record(
            target, tier="severe", decided_on=dt.date(2026, 11, 20), by=ProviderClerkFactory.create().organisation
        )
        result = scores_recompute()
    assert result.mode == "changed"
    assert result.subjects == 1
    assert result.changed == 3  # the subject's three scores
    after = {s.subject_id: (s.points, s.computed_at) for s in Score.objects.filter(scorecard="supervision_grade")}
    assert after[target.pk][0] == before[target.pk][0] - 40
    for other in (subjects[0], subjects[2]):
        assert after[other.pk] == before[other.pk]
    assert not ScoreDirty.objects.exists()
    # A second run finds the same row inside the overlap, scores it the same and writes nothing.
    with at(DAY, 11, 1):
        again = scores_recompute()
    assert (again.changed, ScoreDirty.objects.count()) == (0, 0)
    # Past the overlap nothing is read at all.
    with at(DAY, 12):
        scores_recompute()
    with at(DAY, 13):
        quiet = scores_recompute()
    assert (quiet.subjects, quiet.changed) == (0, 0)
    assert Score.objects.filter(subject=target, scorecard="supervision_grade").get().points == 55


def test_a_list_entry_marks_the_subject_and_a_crashed_run_resumes_from_its_markers() -> None:
    clerk = ProviderClerkFactory.create()
    with at(DAY, 8):
        listed, other = OrgSubjectFactory.create_batch(2)
        record = make_record(listed, tier="severe", decided_on=dt.date(2026, 10, 1), by=clerk.organisation)
    with at(DAY, 9):
        scores_recompute()
    with at(DAY, 11):
        enter(clerk, listed, code="severe", decided_on=DAY, records=[record])
        # A run killed after marking: the markers stay and the watermark has moved.
        ScoreDirty.objects.create(subject=other, marked_at=dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC))
    with at(DAY, 11, 30):
        result = scores_recompute()
    assert supervision_grade(listed.pk) == "D"
    assert result.subjects == 2  # the listed subject, found by watermark, and the leftover marker
    assert not ScoreDirty.objects.exists()
    mark = ScoreWatermark.objects.get()
    assert mark.mark == dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)


def test_the_command_prints_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    with at(DAY):
        OrgSubjectFactory.create()
        call_command("evaluation", "recompute", "--all", "--date", "2026-12-01")
    assert "Scores on 2026-12-01 (all): 1 subjects, 3 scores, 3 written" in capsys.readouterr().out


def test_a_fresh_chunk_meeting_a_stored_score_falls_back_to_the_upsert() -> None:
    from pubcredit.evaluation.scores import _write

    with at(DAY):
        subject = OrgSubjectFactory.create()
        Score.objects.create(
            subject=subject,
            scorecard="supervision_grade",
            version=1,
            points=100,
            grade="A",
            explanation=[],
            digest=1,
            computed_on=DAY,
            computed_at=dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC),
        )
        now = dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC)
        row = (subject.pk, "supervision_grade", 1, 60, "C", '[["基础分", 100, "x"]]', 2, DAY, now)
        assert _write([row], fresh=True) == 1
    stored = Score.objects.get()
    assert (stored.points, stored.grade, stored.digest) == (60, "C", 2)
