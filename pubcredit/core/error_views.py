"""The answer to an unhandled error: 503 when the database is unreachable, 500 otherwise.

A database that is down or restarting is a passing state the client should retry (with
`Retry-After`), not a fault of the platform; the API answers in its JSON error shape, pages with a
static page that needs neither a request context nor the database. Django calls this view inside
the `except` block of the failed request, so the exception is `sys.exc_info()`'s.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = "数据库暂时不可用，请稍后重试"
SERVER_ERROR = "服务器内部错误，请稍后重试；如问题持续，请联系信用中心"


def _database_down() -> bool:
    return isinstance(sys.exc_info()[1], OperationalError | InterfaceError)


def _page(status: int) -> str:
    """The static error page; a bare one when even that cannot be drawn (a missing static file
    manifest, say), so an error page never raises an error of its own."""
    try:
        return loader.get_template(f"{status}.html").render()
    except Exception:
        title = UNAVAILABLE if status == 503 else SERVER_ERROR
        return f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{status}</title><h1>{title}</h1></html>'


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    down = _database_down()
    status = 503 if down else 500
    if request.path.startswith("/api/"):
        body = (
            {"code": "unavailable", "message": UNAVAILABLE}
            if down
            else {"code": "server_error", "message": SERVER_ERROR}
        )
        response: HttpResponse = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(_page(status), status=status)
    if down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
