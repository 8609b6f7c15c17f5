"""Load the deterministic demo city: departments, subjects and ~100,000 records.

The same seed gives the same city on every machine and database. Everything goes through the
platform's own services (catalogue seed, organisation and subject preparation, the bulk record
path with its validation), so the demo exercises the code a credit centre would run.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.services import organisation_create
from pubcredit.catalog.selectors import catalog_items_by_code
from pubcredit.catalog.services import catalog_seed
from pubcredit.core.audit import audit_record
from pubcredit.demo import city, identities
from pubcredit.demo.plan import ITEM_PLAN, PER_SUBJECT_ITEMS
from pubcredit.demo.reporting import demo_reporting
from pubcredit.demo.values import DepartmentFacts, SubjectFacts, record_values
from pubcredit.policy import get_policy
from pubcredit.records.models import Record
from pubcredit.records.services import RecordInput, records_bulk_create
from pubcredit.subjects.models import Subject
from pubcredit.subjects.services import prepare_subject

# Demo data is anchored to a fixed day so that every load gives the same records.
ANCHOR = date(2026, 11, 1)
FIRST_DECISION = date(2019, 1, 1)
TIERS = (("minor", 30), ("general", 50), ("severe", 20))
DEMO_ADMIN = "admin"


@dataclass
class DemoSummary:
    organisations: int = 0
    subjects: int = 0
    records: int = 0
    by_item: dict[str, int] = field(default_factory=dict)
    skipped: bool = False


def demo_admin() -> User:
    """The bootstrap superuser that acts for the demo loader (created once, audited)."""
    user = User.objects.filter(username=DEMO_ADMIN).first()
    if user is not None:
        return user
    with transaction.atomic():
        user = User.objects.create_superuser(DEMO_ADMIN, password=None, display_name="平台管理员")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(actor=None, action="accounts.superuser_bootstrap", target=user, data={"username": DEMO_ADMIN})
    return user


def _departments(admin: User, rng: random.Random) -> dict[str, Organisation]:
    by_short: dict[str, Organisation] = {}
    for dept in (city.CREDIT_CENTRE, city.AUTHORITY, *city.PROVIDERS, *city.CONSUMERS):
        org = Organisation.objects.filter(name=dept.name).first()
        if org is None:
            org = organisation_create(
                actor=admin,
                name=dept.name,
                short_name=dept.short_name,
                kind=dept.kind,
                uscc=identities.uscc_for("11", "610100", rng),
                is_provider=dept.is_provider,
                is_consumer=dept.is_consumer,
                district="西安市",
                reporting_frequency=dept.reporting_frequency,
            )
        by_short[dept.short_name] = org
    return by_short


def _subjects(
    admin: User, rng: random.Random, *, orgs: int, persons: int, today: date
) -> list[tuple[Subject, SubjectFacts]]:
    policy = get_policy(on=today)
    prepared: list[tuple[Subject, SubjectFacts]] = []
    for org in identities.organisations(rng, orgs):
        subject = prepare_subject(
            kind="org", name=org.name, uscc=org.uscc, district=org.district, on_date=today, policy=policy
        )
        prepared.append((subject, SubjectFacts("org", org.name, org.uscc, None)))
    for person in identities.persons(rng, persons, adults_on=today):
        subject = prepare_subject(
            kind="person",
            name=person.name,
            id_number=person.id_number,
            district=person.district,
            on_date=today,
            policy=policy,
        )
        prepared.append((subject, SubjectFacts("person", person.name, None, person.id_number)))
    with transaction.atomic():
        Subject.objects.bulk_create([s for s, _ in prepared], batch_size=2000)
        audit_record(
            actor=admin,
            action="demo.subjects_load",
            data={"organisations": orgs, "persons": persons},
        )
    # bulk_create returns primary keys on both SQLite and PostgreSQL.
    return prepared


def _decision_date(rng: random.Random, today: date) -> date:
    return FIRST_DECISION + timedelta(days=rng.randrange((today - FIRST_DECISION).days))


def _rows_by_provider(
    rng: random.Random,
    subjects: list[tuple[Subject, SubjectFacts]],
    departments: dict[str, Organisation],
    *,
    records: int,
    today: date,
) -> dict[str, list[RecordInput]]:
    items = catalog_items_by_code(on=today)
    by_kind: dict[str, list[tuple[Subject, SubjectFacts]]] = defaultdict(list)
    for pair in subjects:
        by_kind[pair[1].kind].append(pair)
    rows: dict[str, list[RecordInput]] = defaultdict(list)
    counters: dict[tuple[str, str], int] = defaultdict(int)

    def add(code: str, provider_short: str, subject: Subject, facts: SubjectFacts) -> None:
        item = items[code]
        dept = departments[provider_short]
        counters[(provider_short, code)] += 1
        decided_on = _decision_date(rng, today)
        source_ref = f"{dept.short_name}〔{decided_on.year}〕{code}{counters[(provider_short, code)]:06d}号"
        dept_facts = DepartmentFacts(dept.name, dept.uscc or "")
        data = record_values(
            item.fields,
            rng=rng,
            subject=facts,
            department=dept_facts,
            source_ref=source_ref,
            decided_on=decided_on,
            today=today,
        )
        tier = end_date = None
        if item.kind == "bad":
            tier = rng.choices([t for t, _ in TIERS], weights=[w for _, w in TIERS])[0]
            if rng.random() < 0.7:
                end_date = min(today, decided_on + timedelta(days=rng.randrange(0, 240)))
        rows[provider_short].append(
            RecordInput(
                subject=subject,
                item_code=code,
                source_ref=source_ref,
                decided_on=decided_on,
                data=data,
                end_date=end_date,
                tier=tier,
                row=len(rows[provider_short]) + 1,
                # Most departments report within days, some late: the timeliness pages have both.
                reported_on=min(today, decided_on + timedelta(days=counters[(provider_short, code)] % 13)),
            )
        )

    for subject, facts in subjects:
        code, provider = PER_SUBJECT_ITEMS[facts.kind]
        add(code, provider, subject, facts)
    remaining = max(0, records - len(subjects))
    present = {kind for kind, pairs in by_kind.items() if pairs}
    codes = [c for c in ITEM_PLAN if present & set(items[c].subject_kinds)]
    weights = [ITEM_PLAN[c][0] for c in codes]
    for code in rng.choices(codes, weights=weights, k=remaining) if codes else []:
        kinds = sorted(present & set(items[code].subject_kinds))
        kind = rng.choice(kinds)
        if kind == "person" and "org" in kinds and rng.random() < 0.6:
            kind = "org"  # most records in a city are about organisations
        subject, facts = rng.choice(by_kind[kind])
        add(code, rng.choice(ITEM_PLAN[code][1]), subject, facts)
    return rows


def demo_load(
    *,
    seed: int = 2026,
    organisations: int = 8000,
    persons: int = 2000,
    records: int = 100_000,
    progress: Callable[[str], None] = lambda _msg: None,
) -> DemoSummary:
    """Load the demo city once; a second call finds it loaded and changes nothing."""
    summary = DemoSummary()
    if Record.objects.exists() or Subject.objects.exists():
        summary.skipped = True
        summary.subjects = Subject.objects.count()
        summary.records = Record.objects.count()
        return summary
    today = min(ANCHOR, timezone.localdate())
    rng = random.Random(seed)
    admin = demo_admin()
    seeded = catalog_seed(actor=admin)
    progress(f"catalogue: {len(seeded.created)} items created")
    departments = _departments(admin, rng)
    summary.organisations = len(departments)
    progress(f"departments: {len(departments)}")
    subjects = _subjects(admin, rng, orgs=organisations, persons=persons, today=today)
    summary.subjects = len(subjects)
    progress(f"subjects: {len(subjects)} ({organisations} organisations, {persons} persons)")
    rows = _rows_by_provider(rng, subjects, departments, records=records, today=today)
    for short_name in sorted(rows):
        batch = rows[short_name]
        created = records_bulk_create(
            actor=admin, provider=departments[short_name], rows=batch, batch_ref=f"DEMO-{seed}-{short_name}"
        )
        summary.records += created
        for row in batch:
            summary.by_item[row.item_code] = summary.by_item.get(row.item_code, 0) + 1
        progress(f"records: {short_name} {created}")
    progress(f"reporting duties: {demo_reporting(admin=admin, departments=departments, anchor=today)}")
    return summary
