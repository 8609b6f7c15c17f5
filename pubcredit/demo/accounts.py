"""One demo login per role, attached to the demo city's departments and subjects."""

from __future__ import annotations

from dataclasses import dataclass

from pubcredit.accounts.models import Organisation, User
from pubcredit.accounts.services import user_create
from pubcredit.core.roles import Role
from pubcredit.demo import city
from pubcredit.demo.disclosure import demo_access
from pubcredit.demo.loader import demo_admin
from pubcredit.demo.workflows import demo_lists, demo_workflows
from pubcredit.statistics.rollup import rollup_run
from pubcredit.statistics.warning_services import warnings_sweep
from pubcredit.subjects.models import Subject, SubjectKind

# Printed by `make demo`; the demo database is local and throw-away.
DEMO_PASSWORD = "pubcredit-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    role_label: str
    username: str
    description: str


def _ensure(
    *,
    username: str,
    display_name: str,
    roles: tuple[Role, ...],
    organisation: Organisation | None = None,
    subject: Subject | None = None,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    return user_create(
        actor=demo_admin(),
        username=username,
        password=DEMO_PASSWORD,
        display_name=display_name,
        organisation=organisation,
        subject=subject,
        roles=roles,
    )


def demo_accounts() -> list[DemoLogin]:
    """Create the demo logins (once) and describe them."""
    orgs = {o.short_name: o for o in Organisation.objects.all()}
    centre = orgs[city.CREDIT_CENTRE.short_name]
    logins: list[DemoLogin] = []

    def add(role: Role, username: str, display_name: str, description: str, **kwargs: object) -> None:
        _ensure(username=username, display_name=display_name, roles=(role,), **kwargs)  # type: ignore[arg-type]
        logins.append(DemoLogin(role.label, username, description))

    add(Role.OPERATOR, "operator", "信用中心值班员", f"{centre.name}", organisation=centre)
    provider = orgs["市场监管局"]
    add(Role.PROVIDER, "provider", "市场监管局报送员", provider.name, organisation=provider)
    consumer = orgs["交易中心"]
    add(Role.CONSUMER, "consumer", "交易中心查询员", consumer.name, organisation=consumer)
    authority = orgs[city.AUTHORITY.short_name]
    add(Role.AUTHORITY, "authority", "发改委信用科", authority.name, organisation=authority)
    add(Role.AUDITOR, "auditor", "审计监督员", "只读：审计日志与查询日志", organisation=centre)
    org_subject = Subject.objects.filter(kind=SubjectKind.ORG).order_by("pk").first()
    if org_subject is not None:
        _ensure(username="company", display_name=org_subject.name, roles=(), subject=org_subject)
        logins.append(DemoLogin(Role.SUBJECT.label, "company", f"{org_subject.name}（{org_subject.uscc}）"))
    person = Subject.objects.filter(kind=SubjectKind.PERSON).order_by("pk").first()
    if person is not None:
        _ensure(username="citizen", display_name=person.name, roles=(), subject=person)
        logins.append(DemoLogin(Role.SUBJECT.label, "citizen", f"自然人 {person.id_number_masked}"))
    bank = orgs["西安银行"]
    add(Role.CONSUMER, "bank", "西安银行信贷员", f"{bank.name}（授权查询）", organisation=bank)
    demo_access(
        operator=User.objects.get(username="operator"),
        company=User.objects.filter(username="company").first(),
        bank=bank,
        trading_centre=consumer,
    )
    demo_workflows(clerk=User.objects.get(username="provider"), company=User.objects.filter(username="company").first())
    demo_lists(clerk=User.objects.get(username="provider"), consumer=User.objects.filter(username="consumer").first())
    # The dashboard and the warnings as the first night's `pubcredit daily` would leave them.
    rollup_run()
    warnings_sweep()
    return logins
