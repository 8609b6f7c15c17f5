"""One scene for every request of the permission matrix.

An organisation subject with records from one provider, a second subject with a record from
another provider, a person with a record from the first provider, an objection forwarded to the
provider, a repair application, a sharing agreement and an authorisation for one consumer (the
second consumer has neither), a written authorisation waiting for the centre's check, a
self-declaration, a batch and a notice. Each persona is signed in once, each API client has its
token; the tests reuse them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    AuditorFactory,
    AuthorityFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
    UserFactory,
)
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.catalog.services import catalog_seed
from pubcredit.collection.models import Batch, Declaration
from pubcredit.collection.services.batches import batch_submit_rows
from pubcredit.collection.services.declarations import declaration_submit
from pubcredit.collection.tests.test_declarations_fixtures import bz_data
from pubcredit.disclosure.models.access import Authorisation, SharingAgreement
from pubcredit.disclosure.models.export_request import ExportRequest
from pubcredit.disclosure.services.authorisations import authorisation_grant, authorisation_upload
from pubcredit.disclosure.services.exports import export_request_create
from pubcredit.disclosure.services.sharing import sharing_agreement_approve, sharing_agreement_create
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.evaluation.models import FarmerGrade, FarmerRating, GroupLevel, RatingGroup
from pubcredit.evaluation.rules import CONDITIONS
from pubcredit.evaluation.services import farmer_rating_propose
from pubcredit.exchange.signing import keys_generate as exchange_keys_generate
from pubcredit.lists.models import ListEntry, ListType
from pubcredit.lists.services import list_entry_create
from pubcredit.measures.models import CreditCheck, Measure, MeasureTask
from pubcredit.measures.seed import seed as measures_seed
from pubcredit.measures.services import credit_check_run
from pubcredit.notices.models import Notice
from pubcredit.objections.models import Objection, ObjectionItem
from pubcredit.objections.services import objection_check, objection_file
from pubcredit.records.models import Record
from pubcredit.records.tests.conftest import cf_data
from pubcredit.repairs.models import RepairApplication
from pubcredit.repairs.services import repair_apply
from pubcredit.reports.models import Report
from pubcredit.reports.services import report_generate
from pubcredit.reports.signing import keys_generate
from pubcredit.screening.index import forget_indexes
from pubcredit.screening.models import FalseMatch, ScreeningJob
from pubcredit.screening.services import false_match_mark, screening_submit
from pubcredit.statistics.archive import ReportKey, statistical_report_register
from pubcredit.statistics.models import (
    EarlyWarning,
    StatisticalReport,
    StatisticalReportKind,
    WarningKind,
    WarningLevel,
)
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory, make_id_number

TODAY = dt.date(2026, 11, 20)  # a Friday, after the national tiers (2026-04-01)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PURPOSE = "贷款审批"

# Words that only some roles may ever read; each is written into one object of the scene.
RESTRICTED_MARK = "非公开处罚内容甲七"  # the restricted record's content
STATEMENT_MARK = "异议陈述内容乙八"  # the objection's statement
GROUND_MARK = "修复申请理由丙九"  # the repair application's ground
PERSON_ID = make_id_number(424_242, region="610113")  # a person's ID number: shown masked, if at all

# The personas of the matrix, in the order of its columns.
ROLES: tuple[str, ...] = (
    "public",
    "subject_own",
    "subject_other",
    "provider_own",
    "provider_other",
    "consumer_agreed",
    "consumer_none",
    "operator",
    "authority",
    "auditor",
)
# API clients of the same organisations, asked only by the API operations (tokens open no page).
TOKEN_ROLES: tuple[str, ...] = (
    "provider_own_token",  # the owning provider's system: collect
    "provider_other_token",  # the other provider's system: collect
    "consumer_agreed_token",  # the agreed consumer's system: query and share
    "consumer_none_token",  # the other consumer's system: query and share
    "operator_token",  # the credit centre's own system: query
)


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Scene:
    users: dict[str, User]
    subject: Subject
    other_subject: Subject
    provider: Organisation
    record: Record  # public bad record of `subject` by `provider`, under objection
    restricted: Record  # restricted record of `subject`, the authorised item
    repaired: Record  # the record of the repair application
    other_record: Record  # a record of `other_subject` by the other provider
    objection: Objection
    objection_item: ObjectionItem
    repair: RepairApplication
    agreement: SharingAgreement
    authorisation: Authorisation  # granted online by the subject to the agreed consumer
    written: Authorisation  # uploaded by the agreed consumer, waiting for the centre's check
    declaration: Declaration
    batch: Batch
    notice: Notice  # a notice to the subject's account
    entry: ListEntry  # the subject on the severe dishonesty list by `provider`, with a decision file
    task: MeasureTask  # B04 of `entry`, implemented by the agreed consumer's department
    check: CreditCheck  # a credit check of `subject` by the agreed consumer
    export: ExportRequest  # the operator's request to export persons' records, awaiting approval
    report: Report  # the subject's own full credit report
    signing: tuple[Path, Path, Path]  # report signing key and certificate, exchange signing key
    screening: ScreeningJob  # the agreed consumer's screening of the subject (row 2) and the other (row 3)
    false_match: FalseMatch  # the agreed consumer marked row 3's candidate a false match
    village: RatingGroup  # a village rating group (no role of the matrix is a member)
    rating: FarmerRating  # a farmer's rating proposed by that village group
    warning: EarlyWarning  # an open early warning in `provider`'s queue
    statistical_report: StatisticalReport  # an archived provider assessment (XLSX) by the operator
    sessions: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    # One client for every request: a new client loads the middleware again (WhiteNoise then
    # scans the static files), which would cost more than the requests themselves.
    browser: Client = field(default_factory=Client)

    def client(self, role: str) -> Client:
        """The client with no cookie but the session of `role` (none for "public" and tokens)."""
        self.browser.cookies = SimpleCookie()
        if role in self.sessions:
            self.browser.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return self.browser

    def headers(self, role: str) -> dict[str, str]:
        """The bearer token of a token role; nothing for a session role."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}


def _sign_in(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _signing_files() -> tuple[Path, Path, Path]:
    """The scene's own report signing key and certificate and exchange key, outside the checkout."""
    folder = Path(tempfile.mkdtemp(prefix="pubcredit-scene-keys-"))
    key, cert, exchange = folder / "signing-key.pem", folder / "signing-cert.pem", folder / "exchange-key.pem"
    with override_settings(
        PUBCREDIT_REPORT_SIGNING_KEY=str(key),
        PUBCREDIT_REPORT_SIGNING_CERT=str(cert),
        PUBCREDIT_EXCHANGE_KEY=str(exchange),
    ):
        keys_generate(common_name="测试平台报告签章", organisation="测试信用中心", days=3650)
        exchange_keys_generate()
    return key, cert, exchange


def signing_settings(scene: Scene) -> override_settings:
    """The settings that point the platform at the scene's keys (reports, exchange)."""
    key, cert, exchange = scene.signing
    return override_settings(
        PUBCREDIT_REPORT_SIGNING_KEY=str(key),
        PUBCREDIT_REPORT_SIGNING_CERT=str(cert),
        PUBCREDIT_EXCHANGE_KEY=str(exchange),
    )


def build_scene() -> Scene:
    """Build the scene through the services, as the platform's users would (call with the clock at TODAY)."""
    catalog_seed()
    # The seed of measures migration 0002, which a transactional test's flush may have removed.
    measures_seed(django_apps)
    own = SubjectAccountFactory.create()
    other = SubjectAccountFactory.create()
    provider_own = ProviderClerkFactory.create()
    provider_other = ProviderClerkFactory.create()
    consumer_agreed = ConsumerClerkFactory.create()
    consumer_none = ConsumerClerkFactory.create()
    operator = OperatorFactory.create()
    authority = AuthorityFactory.create()
    auditor = AuditorFactory.create()
    users = {
        "subject_own": own,
        "subject_other": other,
        "provider_own": provider_own,
        "provider_other": provider_other,
        "consumer_agreed": consumer_agreed,
        "consumer_none": consumer_none,
        "operator": operator,
        "authority": authority,
        "auditor": auditor,
    }
    subject, other_subject = own.subject, other.subject
    provider = provider_own.organisation
    assert subject is not None and other_subject is not None and provider is not None
    assert consumer_agreed.organisation is not None

    record = make_record(subject, by=provider, tier="general", decided_on=dt.date(2026, 6, 1))
    repaired = make_record(subject, by=provider, tier="general", decided_on=dt.date(2026, 6, 15))
    restricted = make_record(
        subject,
        by=provider,
        openness="restricted",
        decided_on=dt.date(2026, 5, 1),
        data={"CF_XDR_MC": subject.name, "CF_NR": RESTRICTED_MARK},
    )
    person = PersonSubjectFactory.create(plain_id_number=PERSON_ID)
    make_record(person, by=provider, tier="general", decided_on=dt.date(2026, 6, 1))
    other_record = make_record(
        other_subject, by=provider_other.organisation, tier="general", decided_on=dt.date(2026, 6, 1)
    )

    objection = objection_file(
        actor=own, records=[record], ground="error", statement=STATEMENT_MARK, evidence=[pdf("撤销决定.pdf")]
    )
    objection = objection_check(actor=operator, objection=objection)
    objection_item = objection.items.get()
    repair = repair_apply(
        actor=own, record=repaired, ground=GROUND_MARK, commitment_signed=True, proofs=[pdf("缴款凭证.pdf")]
    )
    agreement = sharing_agreement_create(
        actor=operator,
        consumer=consumer_agreed.organisation,
        item_codes=[record.item_code],
        purpose="行政审批",
        legal_basis="《西安市社会信用条例》",
        valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=365),
    )
    agreement = sharing_agreement_approve(actor=authority, agreement=agreement)
    authorisation = authorisation_grant(
        actor=own,
        requester_organisation=consumer_agreed.organisation,
        item_codes=[restricted.item_code],
        purpose=PURPOSE,
        valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=30),
    )
    written = authorisation_upload(
        actor=consumer_agreed,
        subject=subject,
        item_codes=[restricted.item_code],
        purpose=PURPOSE,
        valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=60),
        document=pdf("书面授权书.pdf"),
    )
    declaration = declaration_submit(
        actor=own,
        item=catalog_item_get("BZ"),
        data=bz_data(),
        decided_on=dt.date(2026, 3, 15),
        attachments=[pdf("证书.pdf")],
    )
    batch = batch_submit_rows(
        actor=provider_own,
        provider=provider,
        item_code="CF",
        rows=[cf_data(OrgSubjectFactory.build(), wsh="西市监罚〔2026〕1号")],
        ref="B-MATRIX-1",
    ).batch
    Measure.objects.filter(code="B04").update(department=consumer_agreed.organisation)
    entry = list_entry_create(
        actor=provider_own,
        list_type=ListType.objects.get(code="severe"),
        subject=subject,
        decision_number="西市监信认〔2026〕1号",
        reason="拒不履行行政处罚决定",
        decided_on=TODAY,
        repair_notice="履行义务后可申请信用修复",
        records=[record],
        decision_file=pdf("认定决定书.pdf"),
    )
    task = MeasureTask.objects.get(entry=entry, measure__code="B04")
    check = credit_check_run(actor=consumer_agreed, subject=subject, business_type="funding")
    export = export_request_create(
        actor=operator,
        subject_kind="person",
        provider=provider,
        item_code="",
        decided_from=dt.date(2026, 1, 1),
        decided_to=TODAY,
        reason_kind="supervision",
        reason="核查报送质量",
    )
    signing = _signing_files()
    with override_settings(PUBCREDIT_REPORT_SIGNING_KEY=str(signing[0]), PUBCREDIT_REPORT_SIGNING_CERT=str(signing[1])):
        report = report_generate(actor=own, kind="full", span_from=dt.date(2026, 1, 1), span_to=TODAY)
    forget_indexes()
    screening = screening_submit(
        actor=consumer_agreed,
        file_name="投标人名单.csv",
        content=f"单位名称,统一社会信用代码\n{subject.name},{subject.uscc}\n{other_subject.name},{other_subject.uscc}\n".encode(),
    )
    false_match = false_match_mark(actor=consumer_agreed, job=screening, row_number=3, subject_id=other_subject.pk)
    town = RatingGroup.objects.create(level=GroupLevel.TOWN, name="鸣犊街道评价小组", place="鸣犊街道")
    village = RatingGroup.objects.create(level=GroupLevel.VILLAGE, name="鸣犊村评价小组", place="鸣犊村", town=town)
    villager = UserFactory.create()
    village.members.add(villager)
    farmer_id = make_id_number(515_151, region="610122")
    PersonSubjectFactory.create(plain_id_number=farmer_id)
    rating = farmer_rating_propose(
        actor=villager,
        village=village,
        id_number=farmer_id,
        grade=FarmerGrade.values[0],
        note="勤劳守信",
        attested=dict.fromkeys(CONDITIONS, True),
    )
    notice = Notice.objects.filter(recipient=own).order_by("id").first()
    assert notice is not None, "the scene should have sent the subject at least one notice"
    scene = Scene(
        users=users,
        subject=subject,
        other_subject=other_subject,
        provider=provider,
        record=record,
        restricted=restricted,
        repaired=repaired,
        other_record=other_record,
        objection=objection,
        objection_item=objection_item,
        repair=repair,
        agreement=agreement,
        authorisation=authorisation,
        written=written,
        declaration=declaration,
        batch=batch,
        notice=notice,
        entry=entry,
        task=task,
        check=check,
        export=export,
        report=report,
        signing=signing,
        screening=screening,
        false_match=false_match,
        village=village,
        rating=rating,
        # Raised as the sweep raises one (the sweep needs a day's conditions the scene has not).
        warning=EarlyWarning.objects.create(
            kind=WarningKind.PROVIDER_SILENT,
            level=WarningLevel.ALERT,
            key=f"provider_silent:scene:{provider.pk}",
            organisation=provider,
            title="逾期未报送",
            detail="行政处罚信息逾期未报送",
        ),
        statistical_report=statistical_report_register(
            actor=operator,
            key=ReportKey(StatisticalReportKind.ASSESSMENT, "2026-Q3", "", "xlsx", None),
            period_label="2026年第三季度",
            providers=0,
            content=b"PK\x03\x04 assessment",
        ),
    )
    scene.sessions = {role: _sign_in(user) for role, user in users.items()}
    clients = {
        "provider_own_token": (provider, ["collect"]),
        "provider_other_token": (provider_other.organisation, ["collect"]),
        "consumer_agreed_token": (consumer_agreed.organisation, ["query", "share", "check"]),
        "consumer_none_token": (consumer_none.organisation, ["query", "share", "check"]),
        "operator_token": (operator.organisation, ["query"]),
    }
    scene.tokens = {
        role: ApiClientFactory.create(organisation=organisation, scopes=scopes).plain_token
        for role, (organisation, scopes) in clients.items()
    }
    return scene
