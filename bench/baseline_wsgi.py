"""The bare baseline for bench/http_lookup.py: a WSGI callable that answers a constant JSON body.

Served by the same gunicorn settings as the platform, it measures what the server and the load
generator cost on their own, so the platform's figure can be read as a ratio.
"""

from collections.abc import Callable, Iterable
from typing import Any

BODY = b'{"id": 1, "kind": "org", "name": "baseline"}'


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
