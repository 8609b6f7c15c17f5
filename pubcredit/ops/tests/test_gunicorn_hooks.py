"""Each gunicorn worker warms the report engine up in the background when it starts, so its
first credit report does not pay for loading fontconfig and the CJK face."""

from __future__ import annotations

import pytest

from pubcredit.ops import gunicorn_hooks
from pubcredit.ops.gunicorn import gunicorn_argv
from pubcredit.reports import render


def test_the_served_command_line_loads_the_hooks() -> None:
    argv = gunicorn_argv("gunicorn", "config.wsgi:application", bind="127.0.0.1:8000", workers=2)
    assert argv[argv.index("--config") + 1] == "python:pubcredit.ops.gunicorn_hooks"


def test_a_started_worker_renders_a_report_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []

    def recording(html: str) -> tuple[bytes, int]:
        rendered.append(html)
        return b"%PDF", 1

    monkeypatch.setattr(render, "html_to_pdf", recording)
    thread = gunicorn_hooks.post_worker_init(worker=None)
    assert thread.daemon  # the worker goes on serving; the thread never holds up its exit
    thread.join(timeout=30)
    assert len(rendered) == 1 and "信用报告" in rendered[0]


def test_a_failed_warm_up_is_logged_and_the_worker_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(html: str) -> tuple[bytes, int]:
        raise OSError("no fonts")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    gunicorn_hooks.post_worker_init(worker=None).join(timeout=30)
    assert "warm-up failed" in caplog.text
