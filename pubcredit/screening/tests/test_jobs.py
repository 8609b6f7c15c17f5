"""Queued jobs: the worker processes them in chunks, resumes after an interruption without
duplicating rows, and is idempotent; who may see a job; the XLSX export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    AuthorityFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
)
from pubcredit.core.errors import NotFound, PermissionDenied
from pubcredit.screening import services
from pubcredit.screening.export import build_xlsx
from pubcredit.screening.models import JobState, ScreeningJob, ScreeningRow
from pubcredit.screening.selectors import screening_get, screening_rows, screenings_visible_to
from pubcredit.screening.services import false_match_mark, screening_process, screening_submit
from pubcredit.screening.tests.conftest import csv_bytes
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists of more than 3 rows are queued, so a few rows make a queued job."""
    monkeypatch.setattr(services, "INLINE_ROWS", 3)


def _queued(clerk: User, count: int = 7) -> ScreeningJob:
    for n in range(count):
        OrgSubjectFactory.create(name=f"西安第{n}号华信科技有限公司")
    rows: list[list[Any]] = [["名称"]] + [[f"第{n}号华信科技（西安）有限公司"] for n in range(count)]
    job = screening_submit(actor=clerk, file_name="名单.csv", content=csv_bytes(rows))
    assert job.state == JobState.QUEUED and job.content
    return job


def _snapshot(job: ScreeningJob) -> list[tuple[int, str, list[int]]]:
    return [(r.row_number, r.outcome, [c["subject_id"] for c in r.candidates]) for r in screening_rows(job)]


def test_a_long_list_is_queued_and_the_worker_finishes_it(clerk: User, small_inline: None) -> None:
    job = _queued(clerk)
    call_command("screening", "work", stdout=io.StringIO())
    job.refresh_from_db()
    assert (job.state, job.total_rows, job.processed_rows, job.matched_rows) == (JobState.DONE, 7, 7, 7)
    assert job.content is None  # the uploaded file (which may hold ID numbers) is not kept


def test_an_interrupted_job_resumes_without_duplicates(clerk: User, small_inline: None) -> None:
    job = _queued(clerk)
    stopped = screening_process(job.pk, max_rows=3, chunk_rows=2)
    assert (stopped.state, stopped.processed_rows) == (JobState.RUNNING, 3)
    # The worker was killed: its lease still runs, so a plain run leaves the job alone ...
    call_command("screening", "work", stdout=io.StringIO())
    assert ScreeningRow.objects.filter(job=job).count() == 3
    # ... and running it by id (or after the lease) finishes it.
    call_command("screening", "work", "--job", str(job.pk), stdout=io.StringIO())
    job.refresh_from_db()
    assert (job.state, job.processed_rows) == (JobState.DONE, 7)
    first = _snapshot(job)
    assert [n for n, _o, _c in first] == list(range(2, 9))
    # Running the worker again changes nothing.
    call_command("screening", "work", "--job", str(job.pk), stdout=io.StringIO())
    assert _snapshot(job) == first and ScreeningRow.objects.filter(job=job).count() == 7


def test_a_crash_half_way_leaves_whole_chunks_and_the_rerun_completes(
    clerk: User, small_inline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _queued(clerk)
    from pubcredit.screening import matching

    real = matching.screen_rows
    calls = {"n": 0}

    def crash_on_second_chunk(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(matching, "screen_rows", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        screening_process(job.pk, chunk_rows=3)
    assert ScreeningRow.objects.filter(job=job).count() == 3
    monkeypatch.setattr(matching, "screen_rows", real)
    done = screening_process(job.pk, force=True, chunk_rows=3)
    assert (done.state, done.processed_rows, ScreeningRow.objects.filter(job=job).count()) == (JobState.DONE, 7, 7)


def test_an_unreadable_queued_file_fails_the_job_with_the_reason(clerk: User, small_inline: None) -> None:
    job = _queued(clerk)
    ScreeningJob.objects.filter(pk=job.pk).update(content=services.seal_file(b"\xff\xfe\x00garbage"))
    failed = screening_process(job.pk)
    assert failed.state == JobState.FAILED and "编码" in failed.error


def test_a_queued_file_is_kept_encrypted_and_a_damaged_one_fails_the_job(clerk: User, small_inline: None) -> None:
    job = _queued(clerk)
    assert job.content is not None and "名称".encode() not in bytes(job.content)
    ScreeningJob.objects.filter(pk=job.pk).update(content=b"\x01" + bytes(40))
    failed = screening_process(job.pk)
    assert failed.state == JobState.FAILED and "无法解密" in failed.error


def test_another_organisation_gets_404_and_oversight_reads(clerk: User) -> None:
    OrgSubjectFactory.create(name="西安华信科技有限公司")
    job = screening_submit(actor=clerk, file_name="a.csv", content=csv_bytes([["名称"], ["西安华信科技有限公司"]]))
    colleague = ConsumerClerkFactory.create(organisation=clerk.organisation)
    assert screening_get(colleague, job.pk) == job
    for outsider in (
        ConsumerClerkFactory.create(),
        ProviderClerkFactory.create(),
        AuthorityFactory.create(),
        SubjectAccountFactory.create(),
    ):
        with pytest.raises(NotFound):
            screening_get(outsider, job.pk)
        assert not screenings_visible_to(outsider).exists()
    auditor = AuditorFactory.create()
    assert screening_get(auditor, job.pk) == job
    assert screening_get(OperatorFactory.create(), job.pk) == job
    with pytest.raises(PermissionDenied):
        false_match_mark(actor=auditor, job=job, row_number=2, subject_id=job.rows.get().candidates[0]["subject_id"])


def test_only_consumers_and_the_credit_centre_submit(db: None) -> None:
    for actor in (ProviderClerkFactory.create(), AuditorFactory.create(), SubjectAccountFactory.create(), None):
        with pytest.raises(PermissionDenied):
            screening_submit(actor=actor, file_name="a.csv", content=csv_bytes([["名称"], ["x"]]))
    assert screening_submit(actor=OperatorFactory.create(), file_name="a.csv", content=csv_bytes([["名称"], ["x"]]))


def test_the_xlsx_has_every_row_and_escapes_formula_cells(clerk: User) -> None:
    hostile = OrgSubjectFactory.create(name='=HYPERLINK("http://x","点我")有限公司')
    OrgSubjectFactory.create(name="西安华信科技有限公司")
    rows: list[list[Any]] = [
        ["名称", "统一社会信用代码"],
        ["", hostile.uscc],
        ["西安华信科技有限公司", ""],
        ["无此单位", ""],
    ]
    job = screening_submit(actor=clerk, file_name="名单.csv", content=csv_bytes(rows))
    sheet = load_workbook(io.BytesIO(build_xlsx(job, list(screening_rows(job))))).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    header = lines.index(next(line for line in lines if line[0] == "行号"))
    body = lines[header + 1 :]
    assert [line[0] for line in body] == [2, 3, 4]
    assert body[0][4] == '\'=HYPERLINK("http://x","点我")有限公司'
    assert [cell.data_type for cell in sheet[header + 2]][4] == "s"  # text, not a formula
    assert (body[1][3], body[1][4], body[1][6]) == ("匹配", "西安华信科技有限公司", 100)
    assert body[2][3] == "未匹配"
