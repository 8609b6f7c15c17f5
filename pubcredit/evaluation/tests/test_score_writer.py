"""The writer thread of a full recompute on PostgreSQL: the same scores as writing in line, every
chunk committed on its own, and a failed write stopping the run in the caller's thread."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction

from pubcredit.disclosure.tests.factories import make_record
from pubcredit.evaluation import score_writer, scores
from pubcredit.evaluation.models import Score
from pubcredit.evaluation.scores import scores_recompute
from pubcredit.evaluation.tests.conftest import DAY, at
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def stored() -> dict[tuple[int, str], tuple[int, str, Any]]:
    return {(s.subject_id, s.scorecard): (s.points, s.grade, s.explanation) for s in Score.objects.all()}


@pytest.mark.postgres_only
def test_the_threaded_writer_stores_what_the_inline_one_does(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes in line: a second connection would wait for the first one's lock")
    monkeypatch.setattr(scores, "CHUNK", 2)  # several chunks through the writer
    writers: list[str] = []

    def recording(base: type[Any]) -> type[Any]:
        class Recording(base):
            def __init__(self, write: Any) -> None:
                writers.append(base.__name__)
                super().__init__(write)

        return Recording

    monkeypatch.setattr(score_writer, "_Threaded", recording(score_writer._Threaded))
    monkeypatch.setattr(score_writer, "_Inline", recording(score_writer._Inline))
    with at(DAY):
        subjects = [*OrgSubjectFactory.create_batch(5), *PersonSubjectFactory.create_batch(2)]
        for n, subject in enumerate(subjects):
            for _ in range(n % 3):
                make_record(subject, tier="general", decided_on=dt.date(2026, 6, 1))
        threaded = scores_recompute(full=True)
        first = stored()
        Score.objects.all().delete()
        with transaction.atomic():
            inline = scores_recompute(full=True)
        second = stored()
    assert writers == ["_Threaded", "_Inline"]
    assert threaded.changed == inline.changed == threaded.scores == 5 * 3 + 2
    assert first == second and len(first) == 17


def test_a_failed_write_stops_the_run_in_the_callers_thread() -> None:
    calls: list[int] = []

    def write(rows: list[tuple[Any, ...]], fresh: bool, done_ids: Any) -> int:
        calls.append(len(rows))
        if len(calls) == 2:
            raise ValueError("disk full")
        return len(rows)

    with pytest.raises(ValueError, match="disk full"), score_writer.chunk_writer(write) as writer:
        for _ in range(10):
            writer([(1,)], False, None)
    assert calls[:2] == [1, 1]
    assert len(calls) == 2  # nothing written after the failure
