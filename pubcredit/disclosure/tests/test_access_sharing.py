"""Government sharing: agreements approved and ended by the centre, queries that carry only the
agreed items, refusals logged, and batches of up to 10,000 subjects answered in a few queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pubcredit.accounts.models import ApiClient, Organisation, User
from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    AuthorityFactory,
    ConsumerOrganisationFactory,
    OperatorFactory,
    ProviderClerkFactory,
    ProviderOrganisationFactory,
)
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.disclosure.models.access import SharingAgreement, SharingAgreementState
from pubcredit.disclosure.models.query_log import QueryLogEntry
from pubcredit.disclosure.services.sharing import (
    BATCH_MAX_SUBJECTS,
    sharing_agreement_approve,
    sharing_agreement_create,
    sharing_agreement_end,
    sharing_query,
)
from pubcredit.disclosure.tests.conftest import SHANGHAI
from pubcredit.disclosure.tests.factories import catalog_item, make_record
from pubcredit.records.models import Record
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.normalise import normalise_name
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory, make_uscc

pytestmark = pytest.mark.django_db
PURPOSE = "行政许可审查"


@pytest.fixture
def consumer(db: None) -> Organisation:
    return ConsumerOrganisationFactory.create(name="西安市住房和城乡建设局（共享）")


@pytest.fixture
def client(consumer: Organisation) -> ApiClient:
    return ApiClientFactory.create(organisation=consumer, scopes=["share"])


@pytest.fixture
def operator(db: None) -> User:
    return OperatorFactory.create()


@pytest.fixture
def agreed_code(db: None) -> str:
    return catalog_item(openness="restricted", info_class="supervision", kind="bad").code


@pytest.fixture
def agreement(today: dt.date, operator: User, consumer: Organisation, agreed_code: str) -> SharingAgreement:
    sharing_only = catalog_item(openness="sharing_only", info_class="supervision", kind="bad").code
    created = sharing_agreement_create(
        actor=operator,
        consumer=consumer,
        item_codes=[agreed_code, sharing_only],
        purpose=PURPOSE,
        legal_basis="西安市公共信用信息管理办法 第二十条",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
    )
    return sharing_agreement_approve(actor=operator, agreement=created)


def test_only_the_agreed_items_are_shared(client: ApiClient, agreement: SharingAgreement, today: dt.date) -> None:
    company = OrgSubjectFactory.create()
    agreed = make_record(company, openness="restricted", info_class="supervision", kind="bad")
    shared_only = make_record(company, openness="sharing_only", info_class="supervision", kind="bad")
    make_record(company, openness="public", info_class="supervision", kind="bad")
    make_record(company, openness="restricted", info_class="qualification", kind="good")
    answer = sharing_query(actor=client, agreement_id=agreement.pk, usccs=[company.uscc or ""])
    assert {d.record.pk for d in answer.subjects[0].disclosed} == {agreed.pk, shared_only.pk}
    entry = QueryLogEntry.objects.get(subject=company)
    assert (entry.outcome, entry.basis, entry.purpose) == ("shown", f"agreement:{agreement.pk}", PURPOSE)
    assert entry.item_codes == sorted(agreement.item_codes)


def test_a_person_is_named_by_id_number_and_answered_masked(
    client: ApiClient, agreement: SharingAgreement, today: dt.date
) -> None:
    person = PersonSubjectFactory.create()
    make_record(person, openness="restricted", info_class="supervision", kind="bad")
    answer = sharing_query(
        actor=client, agreement_id=agreement.pk, id_numbers=[person.plain_id_number, "610103197001010000"]
    )
    assert [s.subject.pk for s in answer.subjects] == [person.pk]
    assert len(answer.subjects[0].disclosed) == 1
    assert answer.not_found == ["610103********0000"]


def test_agreement_lifecycle_needs_the_centre(
    consumer: Organisation, operator: User, agreed_code: str, today: dt.date
) -> None:
    clerk = ProviderClerkFactory.create()
    arguments: dict[str, Any] = {
        "consumer": consumer,
        "item_codes": [agreed_code],
        "purpose": PURPOSE,
        "legal_basis": "西安 第二十条",
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=1),
    }
    with pytest.raises(PermissionDenied, match="不是信用中心的工作人员"):
        sharing_agreement_create(actor=clerk, **arguments)
    with pytest.raises(ValidationFailed, match="不是启用的信息使用单位"):
        other = ProviderOrganisationFactory.create()
        sharing_agreement_create(actor=operator, **{**arguments, "consumer": other})
    with pytest.raises(ValidationFailed, match="法律依据"):
        sharing_agreement_create(actor=operator, **{**arguments, "legal_basis": " "})
    agreement = sharing_agreement_create(actor=operator, **arguments)
    assert agreement.state == SharingAgreementState.DRAFT
    with pytest.raises(PermissionDenied):
        sharing_agreement_approve(actor=clerk, agreement=agreement)
    approved = sharing_agreement_approve(actor=AuthorityFactory.create(), agreement=agreement)
    assert approved.state == SharingAgreementState.APPROVED and approved.approved_by_label
    with pytest.raises(ValidationFailed, match="须说明原因"):
        sharing_agreement_end(actor=operator, agreement=approved, reason="")
    ended = sharing_agreement_end(actor=operator, agreement=approved, reason="业务调整")
    assert ended.state == SharingAgreementState.ENDED and ended.end_reason == "业务调整"


@pytest.mark.parametrize("state", ["draft", "ended"])
def test_draft_and_ended_agreements_share_nothing(
    client: ApiClient, agreement: SharingAgreement, today: dt.date, state: str
) -> None:
    company = OrgSubjectFactory.create()
    SharingAgreement.objects.filter(pk=agreement.pk).update(state=state)
    with pytest.raises(PermissionDenied) as refused:
        sharing_query(actor=client, agreement_id=agreement.pk, usccs=[company.uscc or ""])
    assert refused.value.code == {"draft": "not_approved", "ended": "ended"}[state]
    assert QueryLogEntry.objects.get(subject=company).outcome == "refused"


def test_an_expired_agreement_is_refused_the_day_after_its_last_day(
    client: ApiClient, agreement: SharingAgreement
) -> None:
    company = OrgSubjectFactory.create()
    make_record(company, openness="restricted", info_class="supervision", kind="bad")
    last = agreement.valid_until
    with time_machine.travel(dt.datetime.combine(last, dt.time(12), tzinfo=SHANGHAI), tick=False):
        assert len(sharing_query(actor=client, agreement_id=agreement.pk, usccs=[company.uscc or ""]).subjects) == 1
    next_day = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 5), tzinfo=SHANGHAI)
    with time_machine.travel(next_day, tick=False), pytest.raises(PermissionDenied, match="到期") as refused:
        sharing_query(actor=client, agreement_id=agreement.pk, usccs=[company.uscc or ""])
    assert refused.value.code == "expired"
    outcomes = list(QueryLogEntry.objects.filter(subject=company).order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["shown", "refused"]


def test_another_consumer_purpose_or_passing_on_is_refused_and_logged(
    agreement: SharingAgreement, today: dt.date
) -> None:
    company = OrgSubjectFactory.create()
    stranger = ApiClientFactory.create(organisation=ConsumerOrganisationFactory.create(), scopes=["share"])
    own = ApiClientFactory.create(organisation=agreement.consumer, scopes=["share"])
    with pytest.raises(PermissionDenied) as other:
        sharing_query(actor=stranger, agreement_id=agreement.pk, usccs=[company.uscc or ""])
    with pytest.raises(PermissionDenied) as purpose:
        sharing_query(actor=own, agreement_id=agreement.pk, usccs=[company.uscc or ""], purpose="招商引资")
    with pytest.raises(PermissionDenied) as passing:
        sharing_query(actor=own, agreement_id=agreement.pk, usccs=[company.uscc or ""], provide_to="某咨询公司")
    with pytest.raises(PermissionDenied) as forged:
        sharing_query(actor=own, agreement_id=987_654, usccs=[company.uscc or ""])
    codes = [e.value.code for e in (other, purpose, passing, forged)]
    assert codes == ["other_consumer", "beyond_purpose", "passing_on", "forged"]
    reasons = (
        QueryLogEntry.objects.filter(subject=company, outcome="refused").order_by("id").values_list("reason", flat=True)
    )
    assert [reason.split("：")[0] for reason in reasons] == codes


def test_a_token_without_the_share_scope_is_refused(agreement: SharingAgreement, today: dt.date) -> None:
    query_only = ApiClientFactory.create(organisation=agreement.consumer, scopes=["query"])
    with pytest.raises(PermissionDenied, match="share"):
        sharing_query(actor=query_only, agreement_id=agreement.pk, usccs=[make_uscc(1)])


def _many_companies(count: int) -> list[Subject]:
    names = [f"西安市批量共享{n}号有限公司" for n in range(count)]
    Subject.objects.bulk_create(
        [
            Subject(
                kind=SubjectKind.ORG,
                name=name,
                name_normalized=normalise_name(name),
                uscc=make_uscc(n, region="610200"),
            )
            for n, name in enumerate(names)
        ],
        batch_size=2_000,
    )
    return list(Subject.objects.filter(uscc__startswith="91610200").order_by("id"))


def test_a_batch_of_10000_is_answered_in_a_bounded_number_of_queries(
    client: ApiClient, agreement: SharingAgreement, today: dt.date
) -> None:
    companies = _many_companies(BATCH_MAX_SUBJECTS)
    provider = ProviderOrganisationFactory.create()
    sample = companies[::1000]
    for company in sample:
        make_record(company, openness="restricted", info_class="supervision", kind="bad", by=provider)
        make_record(company, openness="public", info_class="supervision", kind="bad", by=provider)
    usccs = [company.uscc or "" for company in companies]
    with CaptureQueriesContext(connection) as captured:
        answer = sharing_query(actor=client, agreement_id=agreement.pk, usccs=usccs)
    # Reads go by chunks of subjects; the log is written by multi-row inserts (how many rows
    # fit in one depends on the backend's parameter limit), never one statement per subject.
    statements = [query["sql"] for query in captured.captured_queries]
    log_inserts = [sql for sql in statements if sql.startswith('INSERT INTO "disclosure_querylogentry"')]
    assert len(statements) - len(log_inserts) <= 40
    assert len(log_inserts) <= BATCH_MAX_SUBJECTS // 50
    assert len(answer.subjects) == BATCH_MAX_SUBJECTS and answer.not_found == []
    with_records = {s.subject.pk: s.disclosed for s in answer.subjects if s.disclosed}
    assert set(with_records) == {company.pk for company in sample}
    assert all(
        [d.record.item_code for d in disclosed] == [agreement.item_codes[0]] for disclosed in with_records.values()
    )
    assert QueryLogEntry.objects.filter(outcome="shown").count() == BATCH_MAX_SUBJECTS


def test_a_batch_of_10001_is_refused_with_a_clear_message_and_nothing_logged(
    client: ApiClient, agreement: SharingAgreement, today: dt.date
) -> None:
    usccs = [make_uscc(n, region="610300") for n in range(BATCH_MAX_SUBJECTS + 1)]
    with pytest.raises(ValidationFailed, match="最多 10000 个信息主体，本次 10001 个"):
        sharing_query(actor=client, agreement_id=agreement.pk, usccs=usccs)
    assert not QueryLogEntry.objects.exists()
    assert not Record.objects.exists()
