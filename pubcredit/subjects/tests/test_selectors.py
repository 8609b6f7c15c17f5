from typing import Any

import pytest

from pubcredit.core.errors import NotFound
from pubcredit.subjects.selectors import (
    subject_find_by_id_number,
    subject_find_by_uscc,
    subject_get,
    subject_search,
)
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies() -> dict[str, Any]:
    return {
        "tech": OrgSubjectFactory.create(name="西安星火科技有限公司"),
        "tech_group": OrgSubjectFactory.create(name="陕西星火科技集团股份有限公司"),
        "food": OrgSubjectFactory.create(name="西安长安美食（餐饮）有限责任公司"),
        "coop": OrgSubjectFactory.create(name="长安区王曲村股份经济合作社"),
    }


def test_exact_uscc_in_any_width_or_case(companies: dict[str, Any]) -> None:
    tech = companies["tech"]
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in tech.uscc.lower())
    assert subject_search(tech.uscc) == [tech]
    assert subject_search(f"  {fullwidth} ") == [tech]


def test_unknown_uscc_finds_nothing(companies: dict[str, Any]) -> None:
    assert subject_search("91110000600037341L") == []


def test_two_character_fragment_finds_organisations(companies: dict[str, Any]) -> None:
    assert set(subject_search("星火")) == {companies["tech"], companies["tech_group"]}
    assert subject_search("美食") == [companies["food"]]
    assert subject_search("王曲") == [companies["coop"]]


def test_brackets_and_blanks_do_not_matter(companies: dict[str, Any]) -> None:
    assert subject_search("长安美食(餐饮)") == [companies["food"]]
    assert subject_search("长安 美食（餐饮）有限公司") == [companies["food"]]


def test_legal_form_of_the_query_is_ignored_and_exact_name_ranks_first(companies: dict[str, Any]) -> None:
    assert subject_search("星火科技有限责任公司")[:2] == [companies["tech"], companies["tech_group"]]
    assert subject_search("陕西星火科技集团股份有限公司")[0] == companies["tech_group"]


def test_persons_are_never_found_by_public_search() -> None:
    person = PersonSubjectFactory.create(name="星火明")
    assert subject_search("星火") == []
    assert subject_search(person.plain_id_number) == []
    assert subject_search(person.name) == []


def test_empty_query_and_limit() -> None:
    for n in range(5):
        OrgSubjectFactory.create(name=f"雁塔{n}号商贸有限公司")
    assert subject_search("   ") == []
    assert len(subject_search("雁塔", limit=3)) == 3
    assert len(subject_search("雁塔", limit=0)) == 1
    assert subject_search("%") == []
    assert subject_search("_") == []


def test_subject_get_and_not_found() -> None:
    subject = OrgSubjectFactory.create()
    assert subject_get(subject.pk) == subject
    with pytest.raises(NotFound, match="信用主体“999999”不存在"):
        subject_get(999999)


def test_find_by_uscc_and_by_id_number() -> None:
    org = OrgSubjectFactory.create()
    person = PersonSubjectFactory.create()
    plain = person.plain_id_number
    assert subject_find_by_uscc(org.uscc.lower()) == org
    assert subject_find_by_id_number(plain) == person
    assert subject_find_by_id_number(" " + plain.lower() + " ") == person
    assert subject_find_by_id_number("") is None
    assert subject_find_by_id_number("110105194912310021") is None
