"""gunicorn server hooks (`--config python:pubcredit.ops.gunicorn_hooks`).

A worker's first credit report would otherwise spend 2.5–8 s loading fontconfig and the CJK face.
Each worker loads them in a background thread as soon as it has started, so it answers requests
at once and its first report is as fast as the rest.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger("pubcredit.serve")


def _warm_up() -> None:
    from django.conf import settings

    if not settings.configured:  # another WSGI app under the same command line (a benchmark baseline)
        return
    try:
        from pubcredit.reports.render import warm_up

        warm_up()
    except Exception:  # a worker without the report engine still serves everything else
        log.exception("report engine warm-up failed; the first report of this worker will be slower")


def post_worker_init(worker: Any) -> threading.Thread:
    thread = threading.Thread(target=_warm_up, name="report-warm-up", daemon=True)
    thread.start()
    return thread
