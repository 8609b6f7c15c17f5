import pytest
from django.db import IntegrityError, transaction

from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = pytest.mark.django_db


def test_organisation_needs_a_uscc() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Subject.objects.create(kind=SubjectKind.ORG, name="无代码公司", name_normalized="无代码公司")


def test_person_needs_an_id_index_and_ciphertext() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Subject.objects.create(kind=SubjectKind.PERSON, name="张三", name_normalized="张三")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Subject.objects.create(kind="robot", name="x", name_normalized="x", uscc="91110000600037341L")


def test_uscc_and_id_index_are_unique() -> None:
    org = OrgSubjectFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgSubjectFactory.create(uscc=org.uscc)
    person = PersonSubjectFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonSubjectFactory.create(plain_id_number=person.plain_id_number)


def test_display_identifier_is_uscc_or_masked_id() -> None:
    org = OrgSubjectFactory.create()
    person = PersonSubjectFactory.create()
    assert org.display_identifier == org.uscc
    assert person.display_identifier == person.id_number_masked
    assert person.plain_id_number not in str(person)
    assert "*" in str(person)
