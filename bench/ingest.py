"""Time loading a 双公示 行政处罚 (CF) file end to end, against a bare COPY of the same rows.

    .venv/bin/python bench/ingest.py                  # 1,000,000 rows, PostgreSQL and SQLite
    .venv/bin/python bench/ingest.py --rows 100000 --only sqlite

The file is generated deterministically in the national 双公示 column layout (new field names):
about 85% organisations with valid USCCs and 15% persons with valid ID numbers. Each database is
created empty, migrated and seeded with the catalogue; a provider department and its clerk are
created; then `pubcredit batch load` runs in a child process (upload kept, every row checked,
subjects registered, records and first versions written, one transaction) and is timed as a whole
process, with its peak memory. On PostgreSQL the same file is then loaded with a plain
`COPY ... (FORMAT csv)` into a bare table of the same columns with one index (the primary key),
and the ratio of the two rates is printed.

Both databases then get the batch's storage floor (`storage_floor.py`): the rows the load stored
(subjects, records, first versions) copied into empty copies of their tables, indexes, checks and
foreign keys included, with no application code. It is the least any loader keeping those tables
could take on this machine, so it shows how much of the ratio the tables themselves cost.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from setup_db import CLI, ROOT, bench_env, migrate, pubcredit, recreate_postgres
from storage_floor import postgres_floor, sqlite_floor

sys.path.insert(0, str(ROOT))

from pubcredit.demo.identities import uscc_for
from pubcredit.subjects.identifiers import id_number_check_character

PG_URL = "postgres://postgres@127.0.0.1:5432/pubcredit_bench_ingest"
COLUMNS = [
    "CF_XDR_MC",
    "CF_XDR_LB",
    "CF_XDR_SHXYM",
    "CF_XDR_GSZC",
    "CF_XDR_ZZJG",
    "CF_XDR_SWDJ",
    "CF_XDR_SYDW",
    "CF_XDR_SHZZ",
    "CF_FRDB",
    "CF_FR_ZJLX",
    "CF_FR_ZJHM",
    "CF_XDR_ZJLX",
    "CF_XDR_ZJHM",
    "CF_WSH",
    "CF_AJMC",
    "CF_WFXW",
    "CF_SY",
    "CF_YJ",
    "CF_CFLB",
    "CF_CFLB2",
    "CF_NR",
    "CF_NR_FK",
    "CF_NR_WFFF",
    "CF_NR_ZKDX",
    "CF_JDRQ",
    "CF_YXQ",
    "CF_GSJZQ",
    "CF_CFJG",
    "CF_CFJGDM",
    "CF_ZT",
    "CF_SJLY",
    "CF_SJLYDM",
    "CF_DFBM",
    "BZ",
]
SETUP = """
from pubcredit.accounts.models import Organisation, RoleGrant, User
from pubcredit.core.roles import Role
org = Organisation.objects.create(name="西安市市场监督管理局", kind="department", is_provider=True)
user = User.objects.create_user(username="bench-clerk", password=None, organisation=org)
RoleGrant.objects.create(user=user, role=Role.PROVIDER, organisation=org)
"""


def _id_number(rng: random.Random) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
    first17 = "610103" + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first17 + id_number_check_character(first17)


def generate(path: Path, rows: int) -> None:
    """The CF file: distinct 决定书文号, decisions in 2026 before the bench's today."""
    rng = random.Random(20261122)
    orgs = [uscc_for("91", "610103", rng) for _ in range(max(1, rows // 5))]
    persons = [_id_number(rng) for _ in range(max(1, rows // 20))]
    dept = uscc_for("11", "610100", rng)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for i in range(rows):
            decided = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randrange(200))
            if rng.random() < 0.85:
                code = rng.choice(orgs)
                who = [f"西安市{code[-6:]}商贸有限公司", "法人及非法人组织", code, "", "", "", "", "", "张某", "身份证"]
                who += ["", "", ""]
            else:
                number = rng.choice(persons)
                who = [f"李{number[-3:]}", "自然人", "", "", "", "", "", "", "", "", "", "身份证", number]
            out.writerow(
                [
                    *who,
                    f"西市监罚〔2026〕{i + 1}号",
                    "未按规定公示年度报告案",
                    "未按规定公示年度报告",
                    "当事人未按规定报送年度报告，经责令限期改正仍未改正。",
                    "《中华人民共和国行政处罚法》第二十八条",
                    "罚款",
                    "",
                    "罚款人民币五千元整",
                    "0.5",
                    "",
                    "",
                    decided.isoformat(),
                    (decided + dt.timedelta(days=365)).isoformat(),
                    "",
                    "西安市市场监督管理局",
                    dept,
                    "有效",
                    "西安市市场监督管理局",
                    dept,
                    "610100",
                    "",
                ]
            )


def load(env: dict[str, str], path: Path) -> tuple[float, float, str]:
    """Run `pubcredit batch load` as a child; (seconds, peak MiB of that child, its last line)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [*CLI, "batch", "load", str(path), "--item", "CF", "--user", "bench-clerk", "--tier", "general"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = child.communicate()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    if child.returncode != 0:
        sys.exit(f"batch load failed:\n{out}\n{err}")
    return elapsed, peak, out.strip().splitlines()[0]


def prepare(url: str) -> dict[str, str]:
    env = bench_env(url, PUBCREDIT_UPLOAD_DIR=tempfile.mkdtemp(prefix="pc-bench-uploads-"))
    migrate(env)
    pubcredit(env, "catalog", "seed", capture=True)
    pubcredit(env, "shell", "-c", SETUP, capture=True)
    return env


def bare_copy(url: str, path: Path) -> float:
    import psycopg

    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare_cf")
        conn.execute(
            "CREATE TABLE bench_bare_cf (id bigserial PRIMARY KEY, " + ", ".join(f'"{c}" text' for c in COLUMNS) + ")"
        )
        started = time.perf_counter()
        sql = f"COPY bench_bare_cf ({columns}) FROM STDIN (FORMAT csv, HEADER true)"
        with conn.transaction(), conn.cursor() as cur, cur.copy(sql) as copy, path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--postgres", default=PG_URL, help=f"database to drop and re-create (default {PG_URL})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cf.csv"
        generate(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"file: {args.rows:,} rows of 行政处罚 (CF) in the 双公示 layout, {size_mb:,.0f} MB")
        if args.only in (None, "postgresql"):
            recreate_postgres(args.postgres)
            env = prepare(args.postgres)
            seconds, peak, line = load(env, path)
            bare = bare_copy(args.postgres, path)
            floor, stored = postgres_floor(args.postgres)
            rate, bare_rate, floor_rate = args.rows / seconds, args.rows / bare, args.rows / floor
            print("PostgreSQL")
            print(f"  platform, upload to committed: {seconds:.1f} s, {rate:,.0f} rows/s, peak {peak:,.0f} MiB")
            print(f"  bare COPY into one table:      {bare:.1f} s, {bare_rate:,.0f} rows/s")
            print(f"  ratio:                         {rate / bare_rate:.2f}")
            print(f"  storage floor ({stored:,} rows):  {floor:.1f} s, {floor_rate:,.0f} file rows/s")
            print(f"  floor / bare COPY:             {floor_rate / bare_rate:.2f}")
            print(f"  ({line})")
        if args.only in (None, "sqlite"):
            env = prepare(f"sqlite:///{tmp}/bench.sqlite3")
            seconds, peak, line = load(env, path)
            floor, stored = sqlite_floor(f"{tmp}/bench.sqlite3")
            print("SQLite")
            rate = args.rows / seconds
            print(f"  platform, upload to committed: {seconds:.1f} s, {rate:,.0f} rows/s, peak {peak:,.0f} MiB")
            print(f"  storage floor ({stored:,} rows):  {floor:.1f} s, {args.rows / floor:,.0f} file rows/s")
            print(f"  ({line})")


if __name__ == "__main__":
    main()
