"""Steps run inside one platform instance (a child process with its own database and var dir) by
the two-platform exchange test: `python -m pubcredit.exchange.tests.instance STEP [ARGS]`.

Everything is written through the platform's services; the step prints JSON for the test.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

import django

ITEMS = ["CF", "BZ"]
COMPANIES = ["西安甲乙商贸有限公司", "西安丙丁科技有限公司", "西安戊己餐饮有限公司"]
CLERK = "district_clerk"


def _cf(subject: Any, ref: str, fine: str = "2") -> dict[str, Any]:
    from pubcredit.records.tests.conftest import cf_data

    return dict(cf_data(subject, wsh=ref, CF_NR_FK=fine, CF_NR=f"罚款人民币{fine}万元"))


def setup_source(partner_code: str, partner_name: str) -> dict[str, Any]:
    """This platform's key, seeded catalogue, and an agreement to serve CF and BZ to a partner."""
    from pubcredit.accounts.models import ApiScope
    from pubcredit.accounts.tests.factories import ApiClientFactory, OrganisationFactory
    from pubcredit.catalog.services import catalog_seed
    from pubcredit.exchange.models import ExchangePartner, PartnerDirection
    from pubcredit.exchange.signing import key_path, keys_generate, public_key_pem

    catalog_seed()
    if not key_path().exists():
        keys_generate()
    organisation = OrganisationFactory.create(name=partner_name)
    client = ApiClientFactory.create(organisation=organisation, scopes=[ApiScope.EXCHANGE.value])
    ExchangePartner.objects.create(
        code=partner_code,
        name=partner_name,
        organisation=organisation,
        direction=PartnerDirection.OUTBOUND,
        item_codes=ITEMS,
        valid_from=dt.date(2020, 1, 1),
    )
    return {"token": client.plain_token, "public_key": public_key_pem()}


def setup_receiver(partner_code: str, partner_name: str, base_url: str, key_file: str) -> dict[str, Any]:
    """An agreement to pull CF and BZ from a partner, whose records are written in its name."""
    from pubcredit.accounts.models import ApiScope
    from pubcredit.accounts.tests.factories import ApiClientFactory, ProviderOrganisationFactory
    from pubcredit.catalog.services import catalog_seed
    from pubcredit.exchange.models import ExchangePartner, PartnerDirection

    catalog_seed()
    organisation = ProviderOrganisationFactory.create(name=partner_name)
    actor = ApiClientFactory.create(
        organisation=organisation, name=f"互联互通：{partner_name}", scopes=[ApiScope.COLLECT]
    )
    with open(key_file, encoding="ascii") as handle:
        public_key = handle.read()
    ExchangePartner.objects.create(
        code=partner_code,
        name=partner_name,
        organisation=organisation,
        direction=PartnerDirection.INBOUND,
        item_codes=ITEMS,
        valid_from=dt.date(2020, 1, 1),
        base_url=base_url,
        public_key=public_key,
        actor_client=actor,
    )
    return {"partner": partner_code}


def records() -> dict[str, Any]:
    """Four penalties of three companies and one honour of the first, by a district department."""
    from pubcredit.accounts.tests.factories import ProviderClerkFactory, SubjectAccountFactory
    from pubcredit.catalog.selectors import catalog_item_get
    from pubcredit.records.services import record_create
    from pubcredit.subjects.tests.factories import OrgSubjectFactory

    clerk = ProviderClerkFactory.create(username=CLERK)
    companies = [OrgSubjectFactory.create(name=name) for name in COMPANIES]
    SubjectAccountFactory.create(username="company_a", subject=companies[0])
    cf = catalog_item_get("CF")
    refs = []
    for number, subject in enumerate([*companies, companies[0]], start=1):
        ref = f"区市监罚〔2025〕{number}号"
        record_create(
            actor=clerk,
            provider=clerk.organisation,
            subject=subject,
            item=cf,
            source_ref=ref,
            decided_on=dt.date(2025, 5, 6),
            end_date=dt.date(2025, 5, 20),
            data=_cf(subject, ref),
        )
        refs.append(ref)
    record_create(
        actor=clerk,
        provider=clerk.organisation,
        subject=companies[0],
        item=catalog_item_get("BZ"),
        source_ref="区表彰〔2025〕1号",
        decided_on=dt.date(2025, 3, 1),
        data={
            "subject_name": companies[0].name,
            "uscc": companies[0].uscc,
            "honour_type": "诚信典型",
            "honour_name": "诚信经营示范单位",
            "awarded_by_level": "区县级",
            "document_no": "区表彰〔2025〕1号",
            "awarded_on": "2025-03-01",
            "decision_org": "区人民政府",
        },
    )
    return {"refs": refs}


def changes() -> dict[str, Any]:
    """A correction, a repair and a purge at the source (元宝山 第二十八条: the subject asks for its
    honour to be deleted; the sweep deletes it on the due day)."""
    from pubcredit.accounts.models import User
    from pubcredit.disclosure.services.hiding import hide_request_create
    from pubcredit.disclosure.services.sweep import disclosure_sweep
    from pubcredit.records.models import AnnotationKind, Record
    from pubcredit.records.services import record_correct, record_hold_place

    clerk = User.objects.get(username=CLERK)
    first = Record.objects.get(source_ref="区市监罚〔2025〕1号")
    record_correct(actor=clerk, record=first, reason="罚款金额录入有误", data=_cf(first.subject, first.source_ref, "3"))
    second = Record.objects.get(source_ref="区市监罚〔2025〕2号")
    record_hold_place(
        actor=None,
        record=second,
        kind=AnnotationKind.REPAIR,
        text="已完成信用修复",
        article="元宝山 第二十九条",
        workflow="repairs:test",
    )
    honour = Record.objects.get(source_ref="区表彰〔2025〕1号")
    request = hide_request_create(actor=User.objects.get(username="company_a"), record=honour)
    disclosure_sweep(on=request.due_on)
    honour.refresh_from_db()
    return {"honour_status": honour.status}


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "setup-source": setup_source,
    "setup-receiver": setup_receiver,
    "records": records,
    "changes": changes,
}


def _fresh_sequences() -> None:
    """Factory sequences start again in every process: start each step's where no other step's do."""
    import os

    from pubcredit.accounts.tests.factories import ApiClientFactory, OrganisationFactory, UserFactory
    from pubcredit.subjects.tests.factories import OrgSubjectFactory

    start = os.getpid() * 100
    for factory_class in (OrganisationFactory, UserFactory, ApiClientFactory, OrgSubjectFactory):
        factory_class.reset_sequence(start)


def main(argv: list[str]) -> None:
    django.setup()
    _fresh_sequences()
    steps: list[list[str]] = [[]]
    for word in argv:  # STEP ARGS [+ STEP ARGS ...]: several steps in one process
        if word == "+":
            steps.append([])
        else:
            steps[-1].append(word)
    out = [STEPS[step[0]](*step[1:]) for step in steps]
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
