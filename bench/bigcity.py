"""A big city in PostgreSQL: 1,000,000 subjects and 10,000,000 records, built in SQL.

    .venv/bin/python bench/bigcity.py                      # postgres://…/pc_bench_c_big
    .venv/bin/python bench/bigcity.py --subjects 200000 --records 2000000 --database postgres://…/other

Runs the real migrations and the catalogue seed, then fills the tables with COPY (organisations:
names and valid USCCs made in Python) and INSERT … SELECT from generate_series (persons, records),
never through the ORM. 85% organisations, 15% persons; records are a mix of the seed catalogue's
items for the subject's kind, decided 2019-2026, with tiers for bad information, some withdrawn,
many past their disclosure period. Persons get random bytes as ID-number ciphertext and a unique
random blind index: no benchmark reads them back. A marker table remembers the parameters, so a
second run with the same ones reuses the database and returns at once.

`build_bigcity(url, subjects=…, records=…)` is what bench/search.py, lookup.py and sweep.py call.
"""

from __future__ import annotations

import argparse
import io
import random
import time

from setup_db import bench_env, migrate, pubcredit, recreate_postgres

from pubcredit.demo import city
from pubcredit.demo.identities import uscc_for

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pc_bench_c_big"
MARKER = "bench_bigcity"
ORG_SHARE = 0.85
PROVIDERS = ("市场监管局", "税务局", "中院", "人社局", "住建局", "生态环境局", "交通运输局", "应急管理局")
# Characters trade names are made of besides the demo's trade words (two are drawn at random).
TRADE_CHARACTERS = (
    "华信秦川丝路大唐恒通瑞丰鼎盛汇源博远金泰宏达中天成永兴业和海纳凯旋新锐世祥云众诚明德润泽"
    "佳禾远航晨光嘉骊终南渭灞柳雁塔钟鼓碑林未央汉腾飞龙凤安康宁乐福寿喜庆春夏秋冬东西北方圆"
)
CITY_PREFIXES = (("西安", 60), ("陕西", 15), ("", 25))


def _org_rows(count: int, seed: int) -> io.StringIO:
    """COPY text of `count` organisations: kind, name, name_normalized, uscc, district."""
    rng = random.Random(seed)
    forms = [form for form in city.ORG_FORMS for _ in range(form[2])]
    prefixes = [prefix for prefix, weight in CITY_PREFIXES for _ in range(weight)]
    codes: set[str] = set()
    out = io.StringIO()
    while len(codes) < count:
        region, district = rng.choice(city.DISTRICTS)
        suffix, head, _weight = rng.choice(forms)
        if rng.random() < 0.4:
            trade = "".join(rng.sample(city.TRADE_WORDS, rng.choice((1, 2))))
        else:
            trade = "".join(rng.sample(TRADE_CHARACTERS, 2))
        area = district.removesuffix("区").removesuffix("县") if rng.random() < 0.3 else ""
        name = f"{rng.choice(prefixes)}{area}{trade}{rng.choice(city.FIELD_WORDS)}{suffix}"
        code = uscc_for(head, region, rng)
        if code in codes:
            continue
        codes.add(code)
        out.write(f"org\t{name}\t{name}\t{code}\t{district}\n")
    out.seek(0)
    return out


def _built(conn: object, subjects: int, records: int) -> bool:
    row = conn.execute(  # type: ignore[attr-defined]
        "SELECT count(*) FROM pg_tables WHERE tablename = %s", [MARKER]
    ).fetchone()
    if not row[0]:
        return False
    found = conn.execute(f"SELECT subjects, records FROM {MARKER}").fetchone()  # type: ignore[attr-defined]
    return found == (subjects, records)


RECORDS_SQL = """
INSERT INTO records_record (
    subject_id, subject_kind, item_id, item_code, provider_id, batch_ref, source_ref, info_class, kind,
    tier, decided_on, end_date, data, status, version, self_declared, disclosure_ends_on,
    retention_ends_on, basis_id, reported_on, report_due_on, report_due_provisional, created_at, updated_at)
SELECT s.subject_id, s.subject_kind, it.id, it.code, p.id, 'BIGCITY', 'BC-' || g.g, it.info_class, it.kind,
       CASE WHEN it.kind = 'bad' THEN (ARRAY['minor', 'general', 'severe'])[1 + (g.g %% 3)] END,
       d.decided_on, NULL, jsonb_build_object('决定书文号', '西bench〔' || g.g || '〕号'),
       CASE WHEN g.g %% 50 = 0 THEN 'withdrawn' ELSE 'active' END, 1, false,
       CASE WHEN it.long_term THEN NULL
            WHEN it.kind = 'bad' THEN d.decided_on + interval '3 years'
            ELSE d.decided_on + interval '5 years' END,
       CASE WHEN it.long_term THEN NULL ELSE d.decided_on + interval '5 years' END,
       b.id, d.decided_on + 5, d.decided_on + 7, false, now(), now()
FROM generate_series(1, %(records)s) AS g(g)
CROSS JOIN LATERAL (
    SELECT %(first)s + ((hashint8(g.g) & 2147483647) %% %(subjects)s) AS subject_id,
           date '2019-01-01' + ((hashint8(g.g + 7) & 2147483647) %% 2900)::int AS decided_on,
           hashint8(g.g + 13) & 2147483647 AS item_pick
) AS d
CROSS JOIN LATERAL (
    SELECT d.subject_id,
           CASE WHEN d.subject_id < %(first)s + %(orgs)s THEN 'org' ELSE 'person' END AS subject_kind
) AS s
JOIN bench_items AS it ON it.subject_kind = s.subject_kind
     AND it.n = d.item_pick %% CASE s.subject_kind WHEN 'org' THEN %(org_items)s ELSE %(person_items)s END
JOIN bench_providers AS p ON p.n = g.g %% %(providers)s
JOIN bench_bases AS b ON b.n = g.g %% 4
"""


def build_bigcity(
    url: str = DEFAULT_URL, *, subjects: int = 1_000_000, records: int = 10_000_000, seed: int = 4
) -> str:
    """Build (or reuse) the database; returns its URL."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            if _built(conn, subjects, records):
                print(f"big city: reusing {url.rsplit('/', 1)[1]} ({subjects:,} subjects, {records:,} records)")
                migrate(bench_env(url))  # migrations added since it was built
                return url
    except psycopg.OperationalError:
        pass
    started = time.perf_counter()
    recreate_postgres(url)
    env = bench_env(url)
    migrate(env)
    pubcredit(env, "catalog", "seed", capture=True)
    orgs = int(subjects * ORG_SHARE)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        for n, short in enumerate(PROVIDERS):
            conn.execute(
                "INSERT INTO accounts_organisation (name, short_name, uscc, kind, is_provider, is_consumer,"
                " district, reporting_frequency, active)"
                " VALUES (%s, %s, NULL, 'department', true, false, '西安市', 'weekly', true)",
                [f"西安市{short}（基准测试{n}）", short],
            )
        step = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY subjects_subject (kind, name, name_normalized, uscc, district, uscc_legacy, id_number_masked,"
                " created_at, updated_at) FROM STDIN WITH (FORMAT text)"
            ) as copy,
        ):
            for line in _org_rows(orgs, seed):
                copy.write(line.rstrip("\n") + "\tf\t\t2026-01-01 00:00:00+08\t2026-01-01 00:00:00+08\n")
        first = conn.execute("SELECT min(id) FROM subjects_subject").fetchone()[0]  # type: ignore[index]
        surnames = list(city.SURNAMES)
        given = list(dict.fromkeys(city.GIVEN_CHARS))
        conn.execute(
            """
            INSERT INTO subjects_subject (kind, name, name_normalized, uscc, uscc_legacy, id_number_cipher,
                id_number_index, id_number_masked, district, created_at, updated_at)
            SELECT 'person', nm, nm, NULL, false, cipher, md5(g::text || 'i') || md5(g::text || 'j'),
                   '610103********' || lpad((g %% 10000)::text, 4, '0'), '碑林区', now(), now()
            FROM generate_series(1, %s) AS g,
                 LATERAL (SELECT (%s::text[])[1 + g %% %s] || (%s::text[])[1 + (g / 7) %% %s]
                          || CASE WHEN g %% 3 = 0 THEN '' ELSE (%s::text[])[1 + (g / 11) %% %s] END AS nm,
                          decode(md5(g::text), 'hex') AS cipher) AS n
            """,
            [subjects - orgs, surnames, len(surnames), given, len(given), given, len(given)],
        )
        print(f"  subjects: {subjects:,} in {time.perf_counter() - step:.1f} s")
        conn.execute(
            "CREATE UNLOGGED TABLE bench_items AS SELECT id, code, info_class, kind, k.subject_kind,"
            " period_rule->>'mode' = 'long_term' AS long_term,"
            " (row_number() OVER (PARTITION BY k.subject_kind ORDER BY code) - 1) AS n"
            " FROM catalog_catalogitem, jsonb_array_elements_text(subject_kinds) AS k(subject_kind)"
        )
        conn.execute(
            "CREATE UNLOGGED TABLE bench_providers AS"
            " SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_organisation WHERE is_provider"
        )
        providers = conn.execute("SELECT count(*) FROM bench_providers").fetchone()[0]  # type: ignore[index]
        item_counts: dict[str, int] = dict(
            conn.execute("SELECT subject_kind, count(*) FROM bench_items GROUP BY 1").fetchall()
        )
        conn.execute(
            "INSERT INTO records_disclosurebasis (digest, content, created_at)"
            " SELECT repeat(md5('bench' || n), 2), jsonb_build_object('summary', '基准测试依据' || n,"
            " 'pack', 'xian', 'article', '西安 第二十一条'), now() FROM generate_series(0, 3) AS n"
        )
        conn.execute(
            "CREATE UNLOGGED TABLE bench_bases AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n"
            " FROM records_disclosurebasis WHERE content->>'summary' LIKE '基准测试依据%'"
        )
        # Indexes are dropped during the load and rebuilt after (far faster than 10M insertions
        # each); foreign keys are not checked row by row (the rows point at rows made above).
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'records_record'"
            " AND indexname <> 'records_record_pkey'"
        ).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        step = time.perf_counter()
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            RECORDS_SQL,
            {
                "records": records,
                "first": first,
                "subjects": subjects,
                "orgs": orgs,
                "providers": providers,
                "org_items": item_counts["org"],
                "person_items": item_counts["person"],
            },
        )
        conn.execute("SET session_replication_role = DEFAULT")
        print(f"  records: {records:,} in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        for _name, definition in indexes:
            conn.execute(definition)
        conn.execute("DROP TABLE bench_items, bench_providers, bench_bases")
        conn.execute("VACUUM ANALYZE subjects_subject")
        conn.execute("VACUUM ANALYZE records_record")
        print(f"  indexes and statistics: {time.perf_counter() - step:.1f} s")
        conn.execute(f"CREATE TABLE {MARKER} (subjects integer, records bigint)")
        conn.execute(f"INSERT INTO {MARKER} VALUES (%s, %s)", [subjects, records])
    print(f"big city: built {subjects:,} subjects and {records:,} records in {time.perf_counter() - started:.0f} s")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    args = parser.parse_args()
    build_bigcity(args.database, subjects=args.subjects, records=args.records)


if __name__ == "__main__":
    main()
