"""Mixed load for a bounded time: public look-ups, name searches, providers' batch uploads and
departments' credit checks at fixed rates against `pubcredit serve`, then every count reconciled.

    .venv/bin/python bench/load.py                              # 300 s on PostgreSQL (pc_load)
    .venv/bin/python bench/load.py --seconds 30                 # a short run
    .venv/bin/python bench/load.py --database sqlite            # SQLite in a temporary directory

1. A fresh database (PostgreSQL: the one named by --database, dropped and created; SQLite: a file
   in a temporary directory) with the demo city (`pubcredit demo load`: 10,000 subjects and
   100,000 records by default) and its logins, an API client of the demo provider (市场监管局)
   with the `collect` scope and one of the demo consumer (交易中心) with the `check` scope.
2. `pubcredit serve` on a free loopback port (gunicorn, sync workers, access log on), with the
   public search limit lifted: every request here comes from 127.0.0.1, whereas the limit counts
   per client (PUBCREDIT_SEARCH_RATE, against scraping).
3. Open-loop load from this process, loopback only: each kind of request is sent on a fixed
   schedule (N per second, evenly spaced) by its own thread pool, whatever the answers take, and
   each latency is counted from the scheduled moment (a late answer delays nobody's schedule):
   - lookup: GET /api/v1/subjects/{uscc}/record, a random demo organisation;
   - search: GET /api/v1/subjects?q=..., 2 to 4 characters of a demo organisation's name;
   - upload: POST /api/v1/batches (token with `collect`), --rows-per-upload new 行政处罚 rows for
     demo organisations, each batch with its own reference, whole or nothing;
   - check: POST /api/v1/checks (token with `check`), a credit check of a random demo
     organisation for a procurement, with the run's business reference.
4. Afterwards: per kind, the requests sent and answered, req/s, p50/p95/p99 latency and errors
   (any exception, timeout, or answer other than 200 for reads and 201 `accepted` for uploads);
   then the reconciliation: requests sent = answers received = lines in the server's access log,
   per kind; rows sent in accepted batches = rows the batches report created = records stored
   under those batch references = their first versions; one `collection.batch.accept` audit event
   per batch; checks answered = checks stored under the run's references = their query-log
   entries = their `measures.check` audit events; the audit chain verified. Exit status 1 when
   anything is off.

Default rates: 50 look-ups, 10 searches, 1 credit check and 0.5 batches of 200 rows (100 rows)
per second. The README's figures are for one kind of request alone, driven by wrk: about 1,100
look-ups per second and a search p95 under 20 ms over HTTP on these 2 cores. Here the load
generator is Python on the same 2 cores, and the mix saturates the machine at about 150 look-ups
per second; a credit check costs the server about 30 times a look-up. The defaults sit well below
saturation, so that the run is a sustained load (no queue building up over 5 minutes) rather than
a capacity test. They are still far above a city's demand: 50 look-ups per second is 4.3 million a
day, one check per second 86,400 procedures a day, and 100 rows per second 8.6 million rows a day,
against the thousands of 双公示 decisions a city's departments publish daily.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from setup_db import CLI, ROOT, bench_env, free_port, migrate, pubcredit, recreate_postgres

from pubcredit.ops.gunicorn import default_workers

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pc_load"
TIMEOUT = 30.0  # seconds for one request; a request unanswered by then is an error
WARMUP = 40  # sequential requests of each read kind before the load
SAMPLE = "行政处罚-可入库.csv"  # the demo's valid 行政处罚 file: its columns and constant values


@dataclass
class Kind:
    """One kind of request: its schedule, its samples and its outcome."""

    name: str
    rate: float  # requests per second
    expected: int  # the HTTP status of a success
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    warmup: int = 0  # requests sent before the measured load (in the access log, not in the figures)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(latency)
            if error is not None:
                self.errors[error] += 1


@dataclass
class City:
    """What the load needs from the database: organisations, search terms, the upload token."""

    orgs: list[tuple[str, str]]  # (name, uscc)
    terms: list[str]
    token: str  # the provider's system: collect
    check_token: str  # the consumer's system: check
    check_client: int
    row_template: dict[str, str]


# --- set-up ------------------------------------------------------------------------------------


def _prepare(database: str, var_dir: Path, records: int, reuse: bool) -> tuple[str, dict[str, str]]:
    """A fresh database with the demo city (or, with `reuse`, the one a previous run left);
    returns its URL and the platform's environment."""
    if database == "sqlite":
        url = f"sqlite:///{var_dir / 'load.sqlite3'}"
    else:
        url = database
        import psycopg

        try:
            if not reuse:
                recreate_postgres(url)
        except psycopg.OperationalError as exc:
            first = (str(exc).strip().splitlines() or ["no answer"])[0]
            sys.exit(f"PostgreSQL is not reachable at {url} ({first}); start it, or pass --database sqlite")
    env = bench_env(url, PUBCREDIT_VAR_DIR=str(var_dir), PUBCREDIT_SEARCH_RATE="100000000")
    started = time.monotonic()
    migrate(env)
    pubcredit(env, "demo", "load", "--records", str(records), capture=True)
    pubcredit(env, "demo", "accounts", capture=True)
    print(f"set-up: database migrated and the demo city loaded in {time.monotonic() - started:.0f} s")
    return url, env


def _city(env: dict[str, str], var_dir: Path, seed: int) -> City:
    """Read the city in this process (Django on the bench database) and make the upload client."""
    os.environ.update(env)
    import django

    django.setup()
    from pubcredit.accounts.models import User
    from pubcredit.accounts.services import api_client_create
    from pubcredit.subjects.models import Subject, SubjectKind
    from pubcredit.subjects.normalise import name_core

    orgs = [
        (name, uscc)
        for name, uscc in Subject.objects.filter(kind=SubjectKind.ORG).order_by("pk").values_list("name", "uscc")
        if uscc
    ]
    rng = random.Random(seed)
    terms = []
    for name, _ in rng.sample(orgs, min(500, len(orgs))):
        core = name_core(name)
        length = rng.choice((2, 3, 4))
        if len(core) >= length:
            start = rng.randrange(len(core) - length + 1)
            terms.append(core[start : start + length])
    operator = User.objects.get(username="operator")
    provider, consumer = (User.objects.get(username=name).organisation for name in ("provider", "consumer"))
    assert provider is not None and consumer is not None
    _client, token = api_client_create(
        actor=operator, organisation=provider, name="负载测试报送系统", scopes=["collect"]
    )
    check_client, check_token = api_client_create(
        actor=operator, organisation=consumer, name="负载测试核查系统", scopes=["check"]
    )
    with (var_dir / "demo-files" / SAMPLE).open(encoding="utf-8-sig", newline="") as handle:
        row_template = next(csv.DictReader(handle))
    return City(
        orgs=orgs,
        terms=terms,
        token=token,
        check_token=check_token,
        check_client=check_client.pk,
        row_template=row_template,
    )


# --- the load ------------------------------------------------------------------------------------


class Client:
    """One loopback HTTP connection per thread (gunicorn's sync workers close after each answer)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


@dataclass
class Outcomes:
    """Batch references sent and the rows of those answered as accepted; numbers of the checks made."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: dict[str, int] = field(default_factory=dict)  # ref -> rows
    accepted: dict[str, int] = field(default_factory=dict)  # ref -> rows_created reported
    checks: list[str] = field(default_factory=list)  # numbers of the checks answered 201


def _upload_body(city: City, ref: str, rows: int, rng: random.Random) -> bytes:
    out = []
    for i in range(rows):
        name, uscc = rng.choice(city.orgs)
        row = dict(city.row_template)
        row.update({"CF_XDR_MC": name, "CF_XDR_SHXYM": uscc, "CF_WSH": f"西市监罚〔负载〕{ref}-{i + 1:04d}号"})
        out.append(row)
    return json.dumps({"item": "CF", "ref": ref, "rows": out}, ensure_ascii=False).encode()


def _schedule(kind: Kind, seconds: float, pool_size: int, send: Callable[[int], str | None]) -> threading.Thread:
    """Send `kind` at its rate for `seconds` from a pool; each latency from its scheduled moment."""

    def one(number: int, due: float) -> None:
        try:
            error = send(number)
        except TimeoutError:
            error = "timeout"
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        kind.record(time.monotonic() - due, error)

    def run() -> None:
        if kind.rate <= 0:
            return
        interval = 1.0 / kind.rate
        with ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix=kind.name) as pool:
            start = time.monotonic()
            number = 0
            while True:
                due = start + number * interval
                if due - start >= seconds:
                    break
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(one, number, due)
                kind.sent += 1
                number += 1

    thread = threading.Thread(target=run, name=f"schedule-{kind.name}")
    thread.start()
    return thread


def _load(
    port: int, city: City, kinds: dict[str, Kind], args: argparse.Namespace, outcomes: Outcomes, run_tag: str
) -> float:
    client = Client(port)
    rng = random.Random(args.seed)
    rng_lock = threading.Lock()

    def pick(items: list[Any]) -> Any:
        with rng_lock:
            return rng.choice(items)

    def lookup(_n: int) -> str | None:
        status, _ = client.call("GET", f"/api/v1/subjects/{pick(city.orgs)[1]}/record")
        return None if status == kinds["lookup"].expected else f"HTTP {status}"

    def search(_n: int) -> str | None:
        status, _ = client.call("GET", "/api/v1/subjects?q=" + urllib.parse.quote(pick(city.terms)))
        return None if status == kinds["search"].expected else f"HTTP {status}"

    def upload(n: int) -> str | None:
        ref = f"{run_tag}-{n:06d}"
        with rng_lock:
            body = _upload_body(city, ref, args.rows_per_upload, rng)
        with outcomes.lock:
            outcomes.sent[ref] = args.rows_per_upload
        status, answer = client.call(
            "POST",
            "/api/v1/batches",
            body,
            {"Authorization": f"Bearer {city.token}", "Content-Type": "application/json"},
        )
        if status != kinds["upload"].expected:
            return f"HTTP {status}"
        batch = json.loads(answer)
        if batch["status"] != "accepted":
            return f"batch {batch['status']}"
        with outcomes.lock:
            outcomes.accepted[ref] = int(batch["rows_created"])
        return None

    def check(n: int) -> str | None:
        body = {"subject": pick(city.orgs)[1], "business_type": "procurement", "business_reference": f"{run_tag}-{n}"}
        status, answer = client.call(
            "POST",
            "/api/v1/checks",
            json.dumps(body).encode(),
            {"Authorization": f"Bearer {city.check_token}", "Content-Type": "application/json"},
        )
        if status != kinds["check"].expected:
            return f"HTTP {status}"
        with outcomes.lock:
            outcomes.checks.append(json.loads(answer)["number"])
        return None

    senders: dict[str, Callable[[int], str | None]] = {
        "lookup": lookup,
        "search": search,
        "upload": upload,
        "check": check,
    }
    # Warm-up, not counted in the figures: each worker loads the URL configuration and the API on
    # its first request, which takes seconds. The access log's count includes these.
    for number in range(WARMUP):
        for name in ("lookup", "search"):
            if senders[name](number) is not None:
                sys.exit(f"warm-up {name} request failed")
            kinds[name].warmup += 1
    pools = {"lookup": 32, "search": 8, "upload": 4, "check": 8}
    started = time.monotonic()
    threads = [
        _schedule(kinds[name], args.seconds, pools[name], sender) for name, sender in senders.items() if name in kinds
    ]
    for thread in threads:
        thread.join()
    return time.monotonic() - started


# --- results -------------------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        value = samples[0] * 1000 if samples else 0.0
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def _access_log(log: Path) -> dict[str, list[float]]:
    """Per kind, the server's own time of each answered request (seconds), from gunicorn's access
    log (`%(t)s %(m)s %(U)s %(s)s %(b)s %(M)sms`)."""
    times: dict[str, list[float]] = {"lookup": [], "search": [], "upload": [], "check": []}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("] ", 1)[-1].split()
        if len(parts) < 5 or not parts[-1].endswith("ms"):
            continue
        method, path, took = parts[0], parts[1], float(parts[-1].removesuffix("ms")) / 1000
        if method == "GET" and path.startswith("/api/v1/subjects/") and path.endswith("/record"):
            times["lookup"].append(took)
        elif method == "GET" and path == "/api/v1/subjects":
            times["search"].append(took)
        elif method == "POST" and path == "/api/v1/batches":
            times["upload"].append(took)
        elif method == "POST" and path == "/api/v1/checks":
            times["check"].append(took)
    return times


def _reconcile_uploads(outcomes: Outcomes) -> list[str]:
    """Rows sent and accepted = rows created = records and first versions stored, per reference."""
    from django.db.models import Count, Sum

    from pubcredit.collection.models import Batch, BatchStatus
    from pubcredit.core.models import AuditEvent
    from pubcredit.records.models import Record, RecordVersion

    refs = list(outcomes.sent)
    problems = []
    batches = Batch.objects.filter(ref__in=refs)
    by_status = dict(batches.values_list("status").annotate(n=Count("id")))
    created = batches.aggregate(n=Sum("rows_created"))["n"] or 0
    records = Record.objects.filter(batch_ref__in=refs).count()
    versions = RecordVersion.objects.filter(record__batch_ref__in=refs, version=1).count()
    batch_ids = [str(pk) for pk in batches.values_list("pk", flat=True)]
    audited = AuditEvent.objects.filter(action="collection.batch.accept", target_id__in=batch_ids).count()
    sent_rows = sum(outcomes.sent.values())
    accepted_rows = sum(outcomes.accepted.values())
    print(
        f"  uploads: {len(refs)} batches sent ({sent_rows} rows); answered accepted: {len(outcomes.accepted)} "
        f"({accepted_rows} rows); stored batches by status: {by_status}; rows created: {created}; "
        f"records stored under these references: {records}; their first versions: {versions}; "
        f"audit events collection.batch.accept: {audited}"
    )
    if not (sent_rows == accepted_rows == created == records == versions):
        problems.append("upload rows do not reconcile")
    if by_status != ({BatchStatus.ACCEPTED: len(refs)} if refs else {}) or audited != len(refs):
        problems.append("batches or their audit events do not reconcile")
    return problems


def _wait_for_server(server: subprocess.Popen[bytes], port: int, errors: Path) -> None:
    """Until the platform listens; exit with its own words if it stops first."""
    deadline = time.monotonic() + 180
    while not listening(port):
        if server.poll() is not None or time.monotonic() > deadline:
            tail = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            sys.exit("the platform did not start listening:\n" + "\n".join(tail))
        time.sleep(0.2)


def listening(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _reconcile_checks(outcomes: Outcomes, client_id: int, run_tag: str) -> list[str]:
    """Checks answered = checks stored for this run = their query-log entries = their audit events."""
    from pubcredit.core.models import AuditEvent
    from pubcredit.disclosure.models.query_log import QueryLogEntry
    from pubcredit.measures.models import CreditCheck

    stored = CreditCheck.objects.filter(api_client_id=client_id, business_reference__startswith=f"{run_tag}-")
    numbers = set(stored.values_list("number", flat=True))
    ids = [str(pk) for pk in stored.values_list("pk", flat=True)]
    logged = QueryLogEntry.objects.filter(basis__in=[f"check:{n}" for n in numbers]).count()
    audited = AuditEvent.objects.filter(action="measures.check", target_id__in=ids).count()
    print(
        f"  checks: answered 201: {len(outcomes.checks)}; stored for this run: {len(numbers)}; the same numbers: "
        f"{numbers == set(outcomes.checks)}; query-log entries: {logged}; audit events measures.check: {audited}"
    )
    if not (len(outcomes.checks) == len(numbers) == logged == audited and numbers == set(outcomes.checks)):
        return ["checks do not reconcile"]
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL, help="postgres://... (dropped and created) or sqlite")
    parser.add_argument("--seconds", type=float, default=300, help="length of the load (default 300)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn sync workers")
    parser.add_argument("--records", type=int, default=100_000, help="demo records to load first")
    parser.add_argument("--lookups", type=float, default=50, help="public look-ups per second")
    parser.add_argument("--searches", type=float, default=10, help="name searches per second")
    parser.add_argument("--uploads", type=float, default=0.5, help="batches uploaded per second")
    parser.add_argument("--checks", type=float, default=1, help="credit checks per second")
    parser.add_argument("--rows-per-upload", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: keep the database of an earlier run")
    args = parser.parse_args()

    kinds = {
        "lookup": Kind("lookup", args.lookups, 200),
        "search": Kind("search", args.searches, 200),
        "upload": Kind("upload", args.uploads, 201),
        "check": Kind("check", args.checks, 201),
    }
    run_tag = f"L{int(time.time())}"
    with tempfile.TemporaryDirectory(prefix="pubcredit-load-") as tmp:
        var_dir = Path(tmp)
        url, env = _prepare(args.database, var_dir, args.records, args.reuse)
        city = _city(env, var_dir, args.seed)
        port = free_port()
        log_path, errors_path = var_dir / "access.log", var_dir / "server-errors.log"
        with log_path.open("wb") as log, errors_path.open("wb") as errors_log:
            server = subprocess.Popen(
                [*CLI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=errors_log,
            )
            try:
                _wait_for_server(server, port, errors_path)
                outcomes = Outcomes()
                elapsed = _load(port, city, kinds, args, outcomes, run_tag)
            finally:
                server.terminate()
                server.wait(timeout=60)
        vendor = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
        print(
            f"mixed load on {vendor}, `pubcredit serve` with {args.workers} sync workers, loopback, "
            f"{args.seconds:.0f} s scheduled ({elapsed:.1f} s until the last answer), demo city of "
            f"{len(city.orgs)} organisations and {args.records} records"
        )
        problems: list[str] = []
        logged = _access_log(log_path)
        for kind in kinds.values():
            answered = len(kind.latencies)
            p50, p95, p99 = _percentiles(kind.latencies)
            s50, s95, s99 = _percentiles(logged[kind.name])
            errors = sum(kind.errors.values())
            detail = f" ({dict(kind.errors)})" if errors else ""
            print(
                f"  {kind.name:<7} offered {kind.rate:g}/s: {kind.sent} sent, {answered} answered, "
                f"{answered / elapsed:.1f} req/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
                f"errors {errors}{detail}; access log: {len(logged[kind.name])} answers "
                f"({kind.warmup} of them warm-up), server time "
                f"p50 {s50:.1f} ms, p95 {s95:.1f} ms, p99 {s99:.1f} ms"
            )
            if errors:
                problems.append(f"{errors} {kind.name} errors")
            if not (kind.sent == answered == len(logged[kind.name]) - kind.warmup):
                problems.append(f"{kind.name}: sent, answered and logged differ")
        print("reconciliation:")
        problems += _reconcile_uploads(outcomes)
        problems += _reconcile_checks(outcomes, city.check_client, run_tag)
        verify = subprocess.run([*CLI, "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
        print(f"  {(verify.stdout or verify.stderr).strip()}")
        if verify.returncode != 0:
            problems.append("audit chain broken")
    if problems:
        sys.exit("FAILED: " + "; ".join(problems))
    print("OK: zero errors, every count reconciled")


if __name__ == "__main__":
    main()
