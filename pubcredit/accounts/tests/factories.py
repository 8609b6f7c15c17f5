"""Organisations, API clients and one persona per role, for every app's tests.

    operator: User = OperatorFactory.create()          # 信用中心 staff holding the operator role
    clerk: User = ProviderClerkFactory.create()        # a department clerk; clerk.organisation.is_provider
    client: ApiClient = ApiClientFactory.create(scopes=["collect"]); client.plain_token  # the bearer token
    anonymous()                                        # the public: an AnonymousUser

`.create()` rather than calling the class: mypy types the call as the factory, not the model.
Role grants are written directly (not through services) so that factories work without an
operator and leave no audit events behind.
"""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import AnonymousUser

from pubcredit.accounts.models import ApiClient, ApiScope, Organisation, OrganisationKind, RoleGrant, User
from pubcredit.accounts.tokens import generate_token, token_digest, token_prefix
from pubcredit.core.roles import Role
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory, make_uscc

PASSWORD = "correct-horse-battery-staple"


def anonymous() -> AnonymousUser:
    """The public persona: nobody signed in."""
    return AnonymousUser()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name: Any = factory.Sequence(lambda n: f"西安市测试局{n}")
    short_name: Any = factory.Sequence(lambda n: f"测试局{n}")
    uscc = factory.Sequence(lambda n: make_uscc(n, head="11"))
    kind = OrganisationKind.DEPARTMENT
    district = "西安市"
    active = True


class ProviderOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"西安市市场监督管理局{n}")
    short_name = factory.Sequence(lambda n: f"市场监管局{n}")
    is_provider = True


class ConsumerOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"西安市住房和城乡建设局{n}")
    short_name = factory.Sequence(lambda n: f"住建局{n}")
    is_consumer = True


class CreditCentreFactory(OrganisationFactory):
    name = "西安市公共信用信息中心"
    short_name = "信用中心"
    kind = OrganisationKind.CREDIT_CENTRE


class AuthorityOrganisationFactory(OrganisationFactory):
    name = "西安市发展和改革委员会"
    short_name = "发改委"
    kind = OrganisationKind.AUTHORITY


class AuditOrganisationFactory(OrganisationFactory):
    name = "西安市审计局"
    short_name = "审计局"


class UserFactory(factory.django.DjangoModelFactory):
    """A signed-in user holding no role but `public`; `password` is `PASSWORD`."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.django.Password(PASSWORD)


PublicUserFactory = UserFactory


class _RoleUserFactory(UserFactory):
    """A user holding `role` (for `organisation` when the role is exercised for one)."""

    _role: Role = Role.PUBLIC  # underscore: factory_boy does not pass it to the model

    @factory.post_generation
    def grant(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if not create:
            return
        role = extracted or obj.__dict__["_persona_role"]
        RoleGrant.objects.get_or_create(
            user=obj, role=role, organisation=obj.organisation, revoked_at=None, defaults={"granted_by": None}
        )
        obj.forget_roles()

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        user = super()._create(model_class, *args, **kwargs)
        user.__dict__["_persona_role"] = cls._role
        return user


class SubjectAccountFactory(_RoleUserFactory):
    """The account of an organisation subject (信用主体); `subject` is an `OrgSubjectFactory`."""

    _role = Role.SUBJECT
    username = factory.Sequence(lambda n: f"subject{n}")
    subject = factory.SubFactory(OrgSubjectFactory)


class PersonSubjectAccountFactory(SubjectAccountFactory):
    """The account of a natural person subject."""

    username = factory.Sequence(lambda n: f"person{n}")
    subject = factory.SubFactory(PersonSubjectFactory)


class ProviderClerkFactory(_RoleUserFactory):
    _role = Role.PROVIDER
    username = factory.Sequence(lambda n: f"provider{n}")
    organisation = factory.SubFactory(ProviderOrganisationFactory)


class ConsumerClerkFactory(_RoleUserFactory):
    _role = Role.CONSUMER
    username = factory.Sequence(lambda n: f"consumer{n}")
    organisation = factory.SubFactory(ConsumerOrganisationFactory)


class OperatorFactory(_RoleUserFactory):
    _role = Role.OPERATOR
    username = factory.Sequence(lambda n: f"operator{n}")
    organisation = factory.SubFactory(CreditCentreFactory)


class AuthorityFactory(_RoleUserFactory):
    _role = Role.AUTHORITY
    username = factory.Sequence(lambda n: f"authority{n}")
    organisation = factory.SubFactory(AuthorityOrganisationFactory)


class AuditorFactory(_RoleUserFactory):
    _role = Role.AUDITOR
    username = factory.Sequence(lambda n: f"auditor{n}")
    organisation = factory.SubFactory(AuditOrganisationFactory)


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class ApiClientFactory(factory.django.DjangoModelFactory):
    """A client of a provider organisation; the bearer token is on the instance as `plain_token`."""

    class Meta:
        model = ApiClient

    organisation = factory.SubFactory(ProviderOrganisationFactory)
    name = factory.Sequence(lambda n: f"归集接口{n}")
    plain_token = factory.LazyFunction(generate_token)
    token_prefix = factory.LazyAttribute(lambda o: token_prefix(o.plain_token))
    token_hash = factory.LazyAttribute(lambda o: token_digest(o.plain_token))
    scopes = factory.LazyFunction(lambda: [ApiScope.COLLECT.value])

    @classmethod
    def _create(cls, model_class: type[ApiClient], *args: Any, **kwargs: Any) -> ApiClient:
        plain = kwargs.pop("plain_token")
        client = super()._create(model_class, *args, **kwargs)
        client.plain_token = plain
        return client


PERSONAS = {
    Role.SUBJECT: SubjectAccountFactory,
    Role.PROVIDER: ProviderClerkFactory,
    Role.CONSUMER: ConsumerClerkFactory,
    Role.OPERATOR: OperatorFactory,
    Role.AUTHORITY: AuthorityFactory,
    Role.AUDITOR: AuditorFactory,
}
