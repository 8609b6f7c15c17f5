"""The one gunicorn command line the platform is served with, shared by `pubcredit serve` and
the HTTP benchmark so that what is measured is what runs."""

from __future__ import annotations

import os
import shutil
import sys


def gunicorn_path() -> str | None:
    return shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")


def default_workers() -> int:
    """One sync worker per core: measured faster than 2 x cores + 1 (docs/decisions/0001)."""
    return os.cpu_count() or 1


def gunicorn_argv(gunicorn: str, app: str, *, bind: str, workers: int) -> list[str]:
    return [
        gunicorn,
        app,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--config",
        "python:pubcredit.ops.gunicorn_hooks",  # each worker warms the report engine up
        "--timeout",
        "60",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-",
        # %(U)s is the path without the query string: search terms never reach the log.
        "--access-logformat",
        "%(t)s %(m)s %(U)s %(s)s %(b)s %(M)sms",
    ]
