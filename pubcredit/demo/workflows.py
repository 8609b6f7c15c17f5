"""Objection and repair cases in the demo city, so the queues and the messages have content.

The demo "company" login objects to a registration record of the market regulator (the demo
"provider" login's department), which waits at the credit centre's desk; and it applies to repair
a minor penalty of that department, which waits in the provider's queue. Everything goes through
the objection and repair services (audited, with notices), once, on the first
`pubcredit demo accounts`.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pubcredit.accounts.models import Organisation, User
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.demo.values import DepartmentFacts, SubjectFacts, record_values
from pubcredit.lists.models import ListEntry, ListType
from pubcredit.lists.services import list_entry_create
from pubcredit.measures.models import Measure, MeasureTask, TaskState
from pubcredit.measures.services import credit_check_run, task_feedback
from pubcredit.objections.models import Objection
from pubcredit.objections.services import objection_file
from pubcredit.records.models import Record, RecordStatus
from pubcredit.records.services import record_create
from pubcredit.repairs.models import RepairApplication
from pubcredit.repairs.services import repair_apply

# The smallest file the evidence checks accept as a PDF (they read the first bytes).
_PDF = b"%PDF-1.4\n% pubcredit demo\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _penalty(clerk: User, company: User) -> Record:
    """A minor penalty decided six weeks ago: no minimum publicity period, so repairable at once."""
    subject = company.subject
    assert subject is not None and clerk.organisation is not None
    item = catalog_item_get("CF")
    decided_on = timezone.localdate() - timedelta(days=42)
    source_ref = f"市监罚〔{decided_on.year}〕演示第1号"
    department = DepartmentFacts(clerk.organisation.name, clerk.organisation.uscc or "")
    facts = SubjectFacts(subject.kind, subject.name, subject.uscc, None)
    data = record_values(
        item.fields,
        rng=random.Random(7),
        subject=facts,
        department=department,
        source_ref=source_ref,
        decided_on=decided_on,
        today=timezone.localdate(),
    )
    return record_create(
        actor=clerk,
        provider=clerk.organisation,
        subject=subject,
        item=item,
        source_ref=source_ref,
        decided_on=decided_on,
        tier="minor",
        data=data,
        batch_ref="demo-workflows",
    )


def demo_workflows(*, clerk: User, company: User | None) -> str:
    """One objection at the desk and one repair application in the provider's queue."""
    if company is None or company.subject_id is None or clerk.organisation_id is None:
        return "no company login"
    subject = company.subject
    made = []
    registration = (
        Record.objects.filter(
            subject=subject, provider_id=clerk.organisation_id, kind="basic", status=RecordStatus.ACTIVE
        )
        .order_by("-decided_on")
        .first()
    )
    if registration is not None and not Objection.objects.filter(subject=subject).exists():
        objection_file(
            actor=company,
            records=[registration],
            ground="error",
            statement="登记信息中的经营场所为迁址前的旧地址，现已变更登记，请予更正。",
            evidence=[SimpleUploadedFile("变更登记通知书.pdf", _PDF, content_type="application/pdf")],
        )
        made.append("objection")
    if not RepairApplication.objects.filter(subject=subject).exists():
        repair_apply(
            actor=company,
            record=_penalty(clerk, company),
            ground="罚款已于决定送达后十日内足额缴纳，涉案问题已全部整改，并建立了内部复查制度。",
            commitment_signed=True,
            proofs=[SimpleUploadedFile("罚款缴纳凭证.pdf", _PDF, content_type="application/pdf")],
        )
        made.append("repair application")
    return ", ".join(made) or "already there"


# Implementing departments of the seeded measures in the demo city (the credit centre's choice).
MEASURE_DEPARTMENTS = {
    "B01": "市场监管局",
    "B02": "市场监管局",
    "B09": "市场监管局",
    "W01": "市场监管局",
    "B03": "交易中心",
    "B05": "交易中心",
    "R05": "交易中心",
    "B04": "财政局",
}


def demo_lists(*, clerk: User, consumer: User | None) -> str:
    """A severe-list entry and a red-list entry by the provider login's department, their tasks
    (one fed back by the trading centre, one waiting), and one credit check by the trading centre."""
    if clerk.organisation_id is None or ListEntry.objects.exists():
        return "already there"
    departments = {o.short_name: o for o in Organisation.objects.filter(short_name__in=MEASURE_DEPARTMENTS.values())}
    for code, short_name in MEASURE_DEPARTMENTS.items():
        if short_name in departments:
            Measure.objects.filter(code=code, department__isnull=True).update(department=departments[short_name])
    own = Record.objects.filter(provider_id=clerk.organisation_id, status=RecordStatus.ACTIVE, subject__kind="org")
    bad = own.filter(kind="bad").exclude(subject__accounts__isnull=False).order_by("-decided_on").first()
    good = own.filter(kind="good").exclude(subject__accounts__isnull=False).order_by("-decided_on").first()
    today = timezone.localdate()
    made = []
    if bad is not None:
        entry = list_entry_create(
            actor=clerk,
            list_type=ListType.objects.get(code="severe"),
            subject=bad.subject,
            decision_number=f"市监信认〔{today.year}〕演示第1号",
            reason="拒不履行生效的行政处罚决定，经催告仍未履行",
            decided_on=today - timedelta(days=3),
            repair_notice="自列入之日起满一年，履行处罚决定并消除不良影响后，可向本局申请信用修复、提前移出名单。",
            records=[bad],
        )
        made.append(f"severe-list entry {entry.number}")
        if consumer is not None:
            task = MeasureTask.objects.filter(entry=entry, measure__code="B03", state=TaskState.OPEN).first()
            if task is not None:
                task_feedback(
                    actor=consumer,
                    task=task,
                    state=TaskState.APPLIED,
                    note="已在交易系统中标注并限制",
                    applied_on=today,
                )
            credit_check_run(
                actor=consumer, subject=bad.subject, business_type="tendering", business_reference="演示标段-01"
            )
            made.append("a check by the trading centre")
    if good is not None:
        list_entry_create(
            actor=clerk,
            list_type=ListType.objects.get(code="red"),
            subject=good.subject,
            decision_number=f"市监诚信〔{today.year}〕演示第1号",
            reason="守合同重信用企业，连续三年无不良信用记录",
            decided_on=today - timedelta(days=10),
        )
        made.append("red-list entry")
    return ", ".join(made) or "no records to list on"
