"""Django's PostgreSQL backend with a cheaper connection health check and prepared hot queries.

Django's CONN_HEALTH_CHECKS sends `SELECT 1` before the first query of every request: one more
round trip on the public look-up, which is otherwise a single query. A connection that served a
request a moment ago is as good as proven, so the ping is sent only when the connection has been
idle for longer than `PUBCREDIT_DB_PING_AFTER_SECONDS` (default 5): the case of a server restart
or a dropped socket during a quiet spell. Under load a connection that broke anyway fails its
request, Django marks the error and checks it at the end of that request, and the next request
opens a new connection, so the platform recovers without a restart.

Django binds parameters on the client and never prepares, so PostgreSQL plans every statement
anew. The public look-up's statement takes longer to plan than to run; `prepared_cursor()` gives
the hottest reads a cursor that binds on the server and prepares each statement once per
connection (a pooler in front must support protocol-level prepared statements, as PgBouncer does
from 1.21 with `max_prepared_statements`).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper


class PreparedCursor(base.ServerBindingCursor):  # type: ignore[name-defined]
    """Binds on the server and prepares every statement it executes."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = True, **kwargs: Any) -> Any:
        return super().execute(query, params, prepare=prepare, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    _released_at: float | None = None

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if params.get("prepare_threshold") is None:
            # psycopg prepares nothing while this is None, even when asked to. Django's own cursors
            # bind on the client and never prepare whatever it says; only PreparedCursor does.
            params["prepare_threshold"] = 0
        return params

    def close_if_unusable_or_obsolete(self) -> None:
        """Called at the start and at the end of every request (Django's request signals)."""
        super().close_if_unusable_or_obsolete()
        now = time.monotonic()
        if self.connection is not None and self._released_at is not None:
            recent = now - self._released_at < settings.PUBCREDIT_DB_PING_AFTER_SECONDS
            if recent and not self.errors_occurred:
                self.health_check_done = True
        self._released_at = now

    def prepared_cursor(self) -> CursorWrapper:
        """Like `cursor()` (health check, thread check, query logging), with `PreparedCursor`."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        self.validate_thread_sharing()
        with self.wrap_database_errors:
            raw = PreparedCursor(self.connection)
        return self.make_debug_cursor(raw) if self.queries_logged else self.make_cursor(raw)
