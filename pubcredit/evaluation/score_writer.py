"""Writing score chunks on a second database connection while the next chunk is scored.

A full recompute spends about as long writing (COPY, index and foreign-key upkeep, all on the
database's side) as it spends aggregating and scoring (mostly in this process). On PostgreSQL a
writer thread with its own connection lets the two overlap on two cores. Each chunk is still
written in its own transaction, so a killed run loses at most the chunks in flight and the next
run redoes them (unchanged scores are not rewritten).

The thread is used only when the caller is not inside a transaction: rows written by another
connection would not see, nor be rolled back with, the caller's uncommitted work. SQLite, and any
run inside `transaction.atomic()` (the tests' default), write in line.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction

#: How many scored chunks may wait for the writer (each is at most one chunk of rows).
BACKLOG = 2

WriteChunk = Callable[[list[tuple[Any, ...]], bool, Sequence[int] | None], int]


class _Inline:
    def __init__(self, write: WriteChunk) -> None:
        self._write = write
        self.changed = 0

    def __call__(self, rows: list[tuple[Any, ...]], fresh: bool, done_ids: Sequence[int] | None) -> None:
        with transaction.atomic():
            self.changed += self._write(rows, fresh, done_ids)


class _Threaded:
    def __init__(self, write: WriteChunk) -> None:
        self._write = write
        self.changed = 0
        self._queue: queue.Queue[tuple[list[tuple[Any, ...]], bool, Sequence[int] | None] | None] = queue.Queue(BACKLOG)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="score-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                if self._error is not None:
                    continue  # drain: the main thread stops at its next put
                rows, fresh, done_ids = item
                with transaction.atomic():
                    self.changed += self._write(rows, fresh, done_ids)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
            while self._queue.get() is not None:
                pass
        finally:
            connections.close_all()  # this thread's own connection

    def __call__(self, rows: list[tuple[Any, ...]], fresh: bool, done_ids: Sequence[int] | None) -> None:
        self._raise()
        self._queue.put((rows, fresh, done_ids))

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Let the writer finish what is queued and end; its connection is closed."""
        self._queue.put(None)
        self._thread.join()

    def finish(self) -> None:
        self.stop()
        self._raise()


@contextmanager
def chunk_writer(write: WriteChunk) -> Iterator[_Inline | _Threaded]:
    """A callable that writes one chunk (`write(rows, fresh, done_ids)` in a transaction), in a
    writer thread on PostgreSQL outside a transaction, in line otherwise. `.changed` counts the
    rows written once the block has ended."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield _Inline(write)
        return
    writer = _Threaded(write)
    try:
        yield writer
    except BaseException:
        writer.stop()
        raise
    writer.finish()
