"""The daily jobs, in the order they depend on each other, as one run (`pubcredit daily`).

Each job is idempotent and takes the same day, so the run can be repeated or resumed after a
failure; one job failing does not keep the others from running. The audit chain is verified last,
every day (the security issue: "the audit chain verified daily"), and a broken chain or a failed
job is put in front of the credit centre's operators as an in-platform message.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction

#: (label, command, arguments, takes --date). Sweeps first (they move states and deadlines),
#: then purges of files and logs, the audit chain last so it covers what the day's jobs wrote.
JOBS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("disclosure sweep", "disclosure", ("sweep", "--max-seconds", "50"), True),
    ("objections sweep", "objections", ("sweep",), True),
    ("repairs sweep", "repairs", ("sweep",), True),
    ("lists sweep", "lists", ("sweep",), True),
    ("measures sweep", "measures", ("sweep",), True),
    ("reporting sweep", "reporting", ("sweep",), True),
    ("scores of changed subjects", "evaluation", ("recompute",), False),
    ("statistics rollup", "statistics", ("rollup",), False),
    ("early warnings", "statistics", ("warn",), True),
    ("query log purge", "disclosure", ("purge-query-log",), True),
    ("export expiry", "disclosure", ("expire-exports",), False),
    ("upload purge", "batch", ("purge-uploads",), True),
    ("repair proof purge", "repairs", ("purge-orphans",), False),
    ("objection evidence purge", "objections", ("purge-orphans",), False),
    ("decision file purge", "lists", ("purge-orphans",), False),
    ("report file purge", "reports", ("purge-orphans",), False),
    ("statistical report file purge", "statistics", ("purge-orphans",), False),
    ("audit chain", "audit", ("verify",), False),
)


@dataclass(frozen=True)
class JobResult:
    label: str
    ok: bool
    seconds: float
    output: str


def daily_run(*, on: dt.date | None = None) -> list[JobResult]:
    results: list[JobResult] = []
    for label, command, args, dated in JOBS:
        out, err = io.StringIO(), io.StringIO()
        arguments = [*args, *(["--date", on.isoformat()] if dated and on is not None else [])]
        started = time.monotonic()
        try:
            call_command(command, *arguments, stdout=out, stderr=err)
            ok = True
        except SystemExit as exc:  # `audit verify` exits 1 on a broken chain
            ok = exc.code in (0, None)
        except Exception as exc:  # one job's failure is reported, the next jobs still run
            err.write(f"{type(exc).__name__}: {exc}")
            ok = False
        text = (out.getvalue() + err.getvalue()).strip()
        results.append(JobResult(label, ok, time.monotonic() - started, text))
    failed = [r for r in results if not r.ok]
    if failed:
        _tell_operators(failed)
    return results


def _tell_operators(failed: list[JobResult]) -> None:
    from pubcredit.core.roles import Role
    from pubcredit.notices.services import notices_send, role_holders

    body = "\n".join(f"- {r.label}: {r.output[-300:] or '无输出'}" for r in failed)
    with transaction.atomic():
        notices_send(
            recipients=role_holders(Role.OPERATOR),
            topic="ops.daily",
            title=f"每日作业有 {len(failed)} 项未成功完成",
            body=f"请检查并重新运行 pubcredit daily（可重复运行）：\n{body}",
        )
