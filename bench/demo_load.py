"""Time loading the demo city into a fresh database: subjects, records and rows per second.

    .venv/bin/python bench/demo_load.py                       # SQLite in a temporary directory
    .venv/bin/python bench/demo_load.py --database postgres://postgres@127.0.0.1:5432/pc_bench

Each run migrates an empty database, then runs `pubcredit demo load` in a child process and
reports its wall time, records per second and the child's peak memory. A PostgreSQL database
named in --database is dropped and re-created first.
"""

from __future__ import annotations

import argparse
import re
import resource
import tempfile
import time

from setup_db import bench_env, migrate, pubcredit, recreate_postgres


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="postgres://... (default: a fresh SQLite file)")
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
        if url.startswith("postgres"):
            recreate_postgres(url)
        env = bench_env(url)
        migrate(env)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = pubcredit(env, "demo", "load", "--records", str(args.records), capture=True)
        elapsed = time.perf_counter() - started
        peak_kib = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    loaded = re.search(r"(\d+) records", done.stdout.strip().splitlines()[-1])
    records = int(loaded.group(1)) if loaded else 0
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"demo load on {backend}: {records} records + 10000 subjects in {elapsed:.1f} s (whole process)")
    print(f"  records/s:   {records / elapsed:,.0f}")
    print(f"  peak memory: {peak_kib / 1024:,.0f} MiB (largest child process)")


if __name__ == "__main__":
    main()
