import datetime as dt

import pytest

from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    AuditorFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
    ProviderOrganisationFactory,
)
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.core.errors import NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.records.models import AnnotationKind
from pubcredit.records.selectors import record_annotations, record_get, records_visible_to
from pubcredit.records.services import record_annotate, record_create
from pubcredit.records.tests.conftest import cf_data

pytestmark = pytest.mark.django_db


def create(actor, provider, subject, ref="西市监罚〔2025〕9号"):
    return record_create(
        actor=actor,
        provider=provider,
        subject=subject,
        item=catalog_item_get("CF"),
        source_ref=ref,
        decided_on=dt.date(2025, 5, 6),
        data=cf_data(subject, wsh=ref),
    )


def test_a_provider_system_with_the_collect_scope_submits_in_its_own_name(catalogue, company, today):
    client = ApiClientFactory.create(scopes=["collect"])
    record = create(client, client.organisation, company)
    assert record.provider_id == client.organisation_id
    version = record.versions.get()
    assert version.changed_by is None and version.changed_by_label == client.name
    event = AuditEvent.objects.get(action="records.record.create")
    assert event.data["api_client_id"] == client.pk


def test_a_client_without_the_collect_scope_is_refused(catalogue, company, today):
    client = ApiClientFactory.create(scopes=["query"])
    with pytest.raises(PermissionDenied):
        create(client, client.organisation, company)


def test_self_declared_good_information_is_entered_by_the_credit_centre(catalogue, company, today):
    operator = OperatorFactory.create()
    record = record_create(
        actor=operator,
        provider=operator.organisation,
        subject=company,
        item=catalog_item_get("ZY"),
        source_ref="",
        decided_on=dt.date(2025, 5, 1),
        self_declared=True,
        data={
            "subject_name": company.name,
            "uscc": company.uscc,
            "activity_type": "慈善捐赠",
            "activity_name": "助学捐赠",
            "organiser": "西安市慈善总会",
            "donation_amount": "50000",
            "activity_on": "2025-05-01",
            "decision_org": "西安市慈善总会",
        },
    )
    assert record.self_declared and record.disclosure_ends_on is None and record.report_due_on is None
    # The centre's operators write what the centre decides itself (e.g. 南通 第二十三条 warnings)
    # in its own name, never in a department's name.
    assert create(operator, operator.organisation, company).provider_id == operator.organisation.pk
    with pytest.raises(PermissionDenied):
        create(operator, ProviderOrganisationFactory.create(), company)


def test_staff_see_their_own_department_and_oversight_sees_all(catalogue, clerk, other_clerk, company, today):
    mine = create(clerk, clerk.organisation, company, ref="A-1")
    theirs = create(other_clerk, other_clerk.organisation, company, ref="A-2")
    assert list(records_visible_to(clerk)) == [mine]
    assert set(records_visible_to(AuditorFactory.create())) == {mine, theirs}
    assert list(records_visible_to(ConsumerClerkFactory.create())) == []
    assert list(records_visible_to(None)) == []


def test_record_get_not_found_in_chinese(db):
    with pytest.raises(NotFound) as exc:
        record_get(424242)
    assert exc.value.message == "信用记录 424242 不存在"


def test_annotations_by_provider_or_centre_only(catalogue, clerk, company, today):
    record = create(clerk, clerk.organisation, company)
    note = record_annotate(
        actor=OperatorFactory.create(),
        record=record,
        kind=AnnotationKind.OBJECTION,
        text="信息主体已提出异议，正在核查",
        article="元宝山 第三十条",
    )
    assert list(record_annotations(record)) == [note]
    assert AuditEvent.objects.filter(action="records.record.annotate").count() == 1
    with pytest.raises(PermissionDenied):
        record_annotate(actor=ProviderClerkFactory.create(), record=record, kind="note", text="越权标注")
    with pytest.raises(ValidationFailed) as exc:
        record_annotate(actor=clerk, record=record, kind="gossip", text="x")
    assert "标注类型“gossip”无效" in exc.value.message
