"""Subjects with valid, unique identifiers built from the standards' check rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory

from pubcredit.core.crypto import blind_index, encrypt_identifier, mask_id_number
from pubcredit.subjects.identifiers import id_number_check_character, uscc_check_character
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.normalise import normalise_name


def make_uscc(n: int, *, region: str = "610100", head: str = "91") -> str:
    body = f"{head}{region}MA{n % 10_000_000:07d}"
    return body + uscc_check_character(body)


def make_id_number(n: int, *, born: date | None = None, region: str = "610103") -> str:
    birth = born or date(1970, 1, 1) + timedelta(days=n % 12_000)
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return body + id_number_check_character(body)


class OrgSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    kind = SubjectKind.ORG
    name = factory.Sequence(lambda n: f"西安市测试{n}号科技有限公司")
    name_normalized = factory.LazyAttribute(lambda o: normalise_name(o.name))
    uscc = factory.Sequence(make_uscc)
    district = "雁塔区"


SubjectFactory = OrgSubjectFactory


class PersonSubjectFactory(factory.django.DjangoModelFactory):
    """A person; the plaintext ID number is kept on the instance as `plain_id_number` for tests only."""

    class Meta:
        model = Subject

    kind = SubjectKind.PERSON
    name = factory.Faker("name", locale="zh_CN")
    name_normalized = factory.LazyAttribute(lambda o: normalise_name(o.name))
    plain_id_number = factory.Sequence(make_id_number)
    id_number_cipher = factory.LazyAttribute(lambda o: encrypt_identifier(o.plain_id_number))
    id_number_index = factory.LazyAttribute(lambda o: blind_index(o.plain_id_number))
    id_number_masked = factory.LazyAttribute(lambda o: mask_id_number(o.plain_id_number))
    district = "碑林区"

    @classmethod
    def _create(cls, model_class: type[Subject], *args: Any, **kwargs: Any) -> Subject:
        plain = kwargs.pop("plain_id_number")
        subject = super()._create(model_class, *args, **kwargs)
        subject.plain_id_number = plain
        return subject

    @classmethod
    def _build(cls, model_class: type[Subject], *args: Any, **kwargs: Any) -> Subject:
        plain = kwargs.pop("plain_id_number")
        subject = super()._build(model_class, *args, **kwargs)
        subject.plain_id_number = plain
        return subject
