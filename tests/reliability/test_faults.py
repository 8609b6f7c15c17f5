"""The fault points themselves: inert without PUBCREDIT_FAULT_AT, SIGKILL where it points."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.support import ROOT

# Reaches the point "demo.point" three times, then says it is still alive.
SCRIPT = (
    "from pubcredit.ops.faults import fault_point\n"
    "for _ in range(3):\n"
    "    fault_point('demo.point')\n"
    "print('alive', flush=True)\n"
)


def _run(fault_at: str | None, once: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PUBCREDIT_FAULT_AT", "PUBCREDIT_FAULT_ONCE")}
    if fault_at is not None:
        env["PUBCREDIT_FAULT_AT"] = fault_at
    if once is not None:
        env["PUBCREDIT_FAULT_ONCE"] = str(once)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("fault_at", [None, "", "other.point", "demo.point:4", "demo.point:0", "demo.point:x"])
def test_a_point_not_named_or_not_reached_changes_nothing(fault_at: str | None) -> None:
    result = _run(fault_at)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "alive\n"


@pytest.mark.parametrize("fault_at", ["demo.point", "demo.point:1", "demo.point:3"])
def test_the_named_point_kills_the_process_at_once(fault_at: str) -> None:
    result = _run(fault_at)
    assert result.returncode == -9
    assert result.stdout == ""


def test_with_fault_once_only_the_first_process_to_reach_the_point_dies(tmp_path: Path) -> None:
    marker = tmp_path / "fired"
    assert _run("demo.point", once=marker).returncode == -9
    assert marker.exists()
    again = _run("demo.point", once=marker)
    assert again.returncode == 0, again.stderr
    assert again.stdout == "alive\n"
