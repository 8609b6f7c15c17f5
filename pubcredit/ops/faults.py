"""Named points where a process can be made to die, for the crash tests.

A service marks a point with `fault_point("batch.before_commit")`. When the environment variable
`PUBCREDIT_FAULT_AT` names that point when the process starts, the process kills itself there
with SIGKILL: no exception handler, `finally` block, `atexit` hook or open transaction gets to
finish, exactly as when the machine loses power or an operator runs `kill -9`. `name:N` dies at
the N-th time the point is reached instead of the first (e.g. after the second chunk of a sweep).
With `PUBCREDIT_FAULT_ONCE=<path>` only the first process to get there dies (it creates that file;
the others find it and go on), so that a server's respawned worker serves the client's retry.

Without the variable a fault point costs one comparison of a module constant. Never set it in a
deployment; `tests/reliability` sets it in the child processes it starts.
"""

from __future__ import annotations

import os
import signal

ENV_VAR = "PUBCREDIT_FAULT_AT"
ONCE_VAR = "PUBCREDIT_FAULT_ONCE"


def _parse(value: str) -> tuple[str, int]:
    """`name` or `name:N` (N >= 1) into (name, N); anything else names no point."""
    name, _, count = value.strip().partition(":")
    if not count:
        return name, 1
    if not count.isdecimal() or int(count) < 1:
        return "", 0
    return name, int(count)


_TARGET, _AT_HIT = _parse(os.environ.get(ENV_VAR, ""))
_ONCE = os.environ.get(ONCE_VAR, "")
_hits = 0


def _first_process() -> bool:
    """Without PUBCREDIT_FAULT_ONCE every process dies; with it, only the one that creates the file."""
    if not _ONCE:
        return True
    try:
        os.close(os.open(_ONCE, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def fault_point(name: str) -> None:
    """Die here (SIGKILL on this process) when PUBCREDIT_FAULT_AT names this point; else nothing."""
    if not _TARGET or name != _TARGET:
        return
    global _hits
    _hits += 1
    if _hits >= _AT_HIT and _first_process():
        os.kill(os.getpid(), signal.SIGKILL)
