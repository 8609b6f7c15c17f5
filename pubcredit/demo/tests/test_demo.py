import random
from datetime import date

import pytest
import time_machine
from django.contrib.auth import authenticate

from pubcredit.accounts.models import User
from pubcredit.catalog.seeding import load_seed_items
from pubcredit.core.crypto import decrypt_identifier
from pubcredit.demo import identities
from pubcredit.demo.accounts import DEMO_PASSWORD, demo_accounts
from pubcredit.demo.loader import demo_load
from pubcredit.demo.plan import ITEM_PLAN, PER_SUBJECT_ITEMS
from pubcredit.disclosure.models.access import Authorisation, SharingAgreement
from pubcredit.lists.models import ListEntry
from pubcredit.measures.models import CreditCheck, MeasureTask
from pubcredit.notices.models import Notice
from pubcredit.objections.models import Objection
from pubcredit.records.models import Record, RecordVersion
from pubcredit.repairs.models import RepairApplication
from pubcredit.subjects.identifiers import validate_id_number, validate_uscc
from pubcredit.subjects.models import Subject


def test_generated_identities_are_valid_unique_and_deterministic() -> None:
    first = list(identities.organisations(random.Random(7), 500))
    again = list(identities.organisations(random.Random(7), 500))
    assert first == again
    assert len({o.uscc for o in first}) == 500
    assert all(validate_uscc(o.uscc).valid for o in first)
    people = list(identities.persons(random.Random(7), 300, adults_on=date(2026, 11, 1)))
    assert all(validate_id_number(p.id_number, on_date=date(2026, 11, 1)).valid for p in people)
    assert min(p.birth_date for p in people) >= date(1950, 1, 1)
    assert max(p.birth_date for p in people) <= date(2007, 11, 1)


def test_every_planned_item_is_in_the_seed_catalogue() -> None:
    seeded = {item["code"] for item in load_seed_items()}
    planned = set(ITEM_PLAN) | {code for code, _ in PER_SUBJECT_ITEMS.values()}
    assert planned <= seeded
    # Warning records for false self-declarations (XJSB) arise only from a review, never in a load.
    assert seeded - planned == {"XJSB"}


@pytest.mark.django_db
@time_machine.travel("2026-11-22 10:00 +0800", tick=False)
def test_small_demo_city_loads_once_and_gives_each_role_a_login() -> None:
    summary = demo_load(organisations=40, persons=15, records=300)
    assert not summary.skipped
    assert Subject.objects.count() == 55
    assert summary.records == Record.objects.count() == 300
    assert RecordVersion.objects.count() == 300
    # ID numbers are stored encrypted and decrypt to valid numbers.
    person = Subject.objects.filter(kind="person").first()
    assert person is not None and person.id_number_cipher
    assert validate_id_number(decrypt_identifier(person.id_number_cipher), on_date=date(2026, 11, 22)).valid
    assert not Record.objects.filter(kind="bad", tier__isnull=True).exists()

    again = demo_load(organisations=40, persons=15, records=300)
    assert again.skipped
    assert Record.objects.count() == 300

    logins = demo_accounts()
    assert {login.username for login in logins} == {
        "operator",
        "provider",
        "consumer",
        "authority",
        "auditor",
        "company",
        "citizen",
        "bank",
    }
    for login in logins:
        assert authenticate(username=login.username, password=DEMO_PASSWORD) is not None
    assert len(demo_accounts()) == len(logins)
    # The trading centre shares under an approved agreement; the company has authorised the bank.
    agreement = SharingAgreement.objects.get()
    assert agreement.state == "approved" and agreement.consumer.short_name == "交易中心"
    authorisation = Authorisation.objects.select_related("requester_organisation").get()
    assert authorisation.subject_id == User.objects.get(username="company").subject_id
    assert authorisation.requester_organisation is not None
    assert authorisation.requester_organisation.short_name == "西安银行"
    # The company's repair application waits in the demo provider's queue, which has a message.
    provider = User.objects.get(username="provider")
    repair = RepairApplication.objects.get()
    assert repair.subject_id == authorisation.subject_id and repair.provider_id == provider.organisation_id
    assert repair.state == "submitted"
    assert Notice.objects.filter(recipient=provider, topic__startswith="repair").exists()
    # Its objection to a registration record of the same department waits at the centre's desk.
    registration = Record.objects.filter(
        subject_id=repair.subject_id, provider_id=provider.organisation_id, kind="basic", status="active"
    )
    assert Objection.objects.filter(subject_id=repair.subject_id).count() == (1 if registration.exists() else 0)
    # The demo provider has put one subject on the severe list: the trading centre fed back one
    # measure, has another waiting, and checked that subject once.
    severe = ListEntry.objects.get(kind="black")
    assert severe.department_id == provider.organisation_id and severe.repair_notice
    consumer = User.objects.get(username="consumer")
    states = dict(
        MeasureTask.objects.filter(entry=severe, department=consumer.organisation).values_list("measure__code", "state")
    )
    assert states == {"B03": "applied", "B05": "open"}
    assert CreditCheck.objects.filter(organisation=consumer.organisation, subject=severe.subject).count() == 1
    demo_accounts()
    assert ListEntry.objects.filter(kind="black").count() == 1


@pytest.mark.django_db
@time_machine.travel("2026-11-22 10:00 +0800", tick=False)
def test_a_city_of_organisations_only_gets_organisation_records() -> None:
    summary = demo_load(organisations=30, persons=0, records=200)
    assert summary.records == 200
    assert set(Record.objects.values_list("subject_kind", flat=True)) == {"org"}
