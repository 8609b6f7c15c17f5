"""The screening pages: who sees the upload form and the jobs, the progress poll of a queued job,
the refusals, and the false-match buttons."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from pubcredit.accounts.models import User
from pubcredit.accounts.tests.factories import (
    AuditorFactory,
    AuthorityFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
)
from pubcredit.screening import services
from pubcredit.screening.models import FalseMatch, ScreeningJob
from pubcredit.screening.services import screening_submit
from pubcredit.screening.tests.conftest import csv_bytes
from pubcredit.subjects.tests.factories import OrgSubjectFactory

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_index_shows_the_form_to_consumers_and_the_jobs_to_oversight(clerk: User) -> None:
    page = signed_in(clerk).get("/screening/")
    assert page.status_code == 200 and "开始筛查" in page.content.decode()
    audit = signed_in(AuditorFactory.create()).get("/screening/")
    assert audit.status_code == 200 and "开始筛查" not in audit.content.decode()
    for refused in (ProviderClerkFactory.create(), AuthorityFactory.create()):
        assert signed_in(refused).get("/screening/").status_code == 403
    assert Client().get("/screening/").status_code == 302


def test_a_refused_file_is_shown_on_the_form(clerk: User) -> None:
    upload = SimpleUploadedFile("名单.csv", csv_bytes([["投标人"], ["x"]]))
    page = signed_in(clerk).post("/screening/", {"file": upload})
    assert page.status_code == 400
    assert "文件中没有可识别的列" in page.content.decode() and "“投标人”" in page.content.decode()
    assert not ScreeningJob.objects.exists()


def test_a_queued_job_polls_its_progress_until_done(clerk: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    OrgSubjectFactory.create(name="西安华信科技有限公司")
    client = signed_in(clerk)
    upload = SimpleUploadedFile("名单.csv", csv_bytes([["名称"], ["西安华信科技有限公司"], ["无此单位"]]))
    created = client.post("/screening/", {"file": upload})
    job = ScreeningJob.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/screening/{job.pk}/"
    detail = client.get(f"/screening/{job.pk}/").content.decode()
    assert "排队中" in detail and f'hx-get="/screening/{job.pk}/progress/"' in detail
    call_command("screening", "work", stdout=io.StringIO())
    polled = client.get(f"/screening/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and "已完成" in polled.content.decode()
    assert "西安华信科技有限公司" in client.get(f"/screening/{job.pk}/").content.decode()


def test_others_get_404_and_auditors_read_but_do_not_mark(clerk: User) -> None:
    firm = OrgSubjectFactory.create(name="西安华信科技有限公司")
    job = screening_submit(actor=clerk, file_name="a.csv", content=csv_bytes([["名称"], ["西安华信科技有限公司"]]))
    mark_url = f"/screening/{job.pk}/rows/2/false-match/{firm.pk}/"
    outsider = signed_in(ConsumerClerkFactory.create())
    for url in (f"/screening/{job.pk}/", f"/screening/{job.pk}/xlsx/", f"/screening/{job.pk}/progress/"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(mark_url).status_code == 404
    auditor = signed_in(AuditorFactory.create())
    assert auditor.get(f"/screening/{job.pk}/").status_code == 200
    assert auditor.post(mark_url).status_code == 403
    assert not FalseMatch.objects.exists()
    operator = signed_in(OperatorFactory.create())
    assert operator.get(f"/screening/{job.pk}/xlsx/").status_code == 200

    own = signed_in(clerk)
    marked = own.post(mark_url)
    assert marked.status_code == 302 and marked["Location"] == f"/screening/{job.pk}/#row-2"
    mark = FalseMatch.objects.get()
    assert "已标记误匹配" in own.get(f"/screening/{job.pk}/").content.decode()
    assert outsider.post(f"/screening/false-matches/{mark.pk}/undo/").status_code == 404
    assert auditor.post(f"/screening/false-matches/{mark.pk}/undo/").status_code == 403
    assert own.post(f"/screening/false-matches/{mark.pk}/undo/").status_code == 302
    mark.refresh_from_db()
    assert mark.undone_at is not None and mark.undone_by_label


def test_the_index_command_builds_the_index(clerk: User) -> None:
    OrgSubjectFactory.create(name="西安华信科技有限公司")
    out = io.StringIO()
    call_command("screening", "index", stdout=out)
    assert out.getvalue().startswith("Screening index built:")
