"""Name search through the bigram index (migration 0002) on SQLite and PostgreSQL.

Every way a subject is written (ORM save, bulk_create, the resolver's raw multi-row INSERT, a
rename by UPDATE, a delete) must keep the index current, and the indexed search must give the
same answers, in the same order, as a full scan of the names.
"""

from __future__ import annotations

from datetime import date, datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Length
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubcredit.accounts.tests.factories import OperatorFactory
from pubcredit.policy import get_policy
from pubcredit.subjects import selectors
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.normalise import name_core, normalise_name
from pubcredit.subjects.resolver import SubjectResolver, Wanted
from pubcredit.subjects.selectors import subject_search
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory, make_uscc

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
AT_NOON = datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


def full_scan(query: str, *, limit: int = 20) -> list[Subject]:
    """The search as a plain scan of every organisation's name: the reference answer."""
    normalised = normalise_name(query)
    core = name_core(normalised)
    ranked = (
        Subject.objects.filter(kind=SubjectKind.ORG, name_normalized__icontains=core)
        .annotate(
            rank=Case(
                When(name_normalized=normalised, then=Value(0)),
                When(name_normalized__startswith=core, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            name_length=Length("name_normalized"),
        )
        .order_by("rank", "name_length", "id")
    )
    return list(ranked[:limit])


def names(subjects: list[Subject]) -> list[str]:
    return [subject.name for subject in subjects]


@pytest.fixture
def city() -> dict[str, Subject]:
    return {
        "xinghuo": OrgSubjectFactory.create(name="西安星火科技有限公司"),
        "xinghuo_group": OrgSubjectFactory.create(name="陕西星火科技集团股份有限公司"),
        "qinchuan": OrgSubjectFactory.create(name="秦川机械制造有限责任公司"),
        "abc": OrgSubjectFactory.create(name="ABC（西安）软件有限公司"),
        "coop": OrgSubjectFactory.create(name="长安区王曲村股份经济合作社"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("星火", ["西安星火科技有限公司", "陕西星火科技集团股份有限公司"]),
        ("火科技", ["西安星火科技有限公司", "陕西星火科技集团股份有限公司"]),
        ("星火科技", ["西安星火科技有限公司", "陕西星火科技集团股份有限公司"]),
        ("秦川", ["秦川机械制造有限责任公司"]),
        ("机械制造", ["秦川机械制造有限责任公司"]),
        ("王曲", ["长安区王曲村股份经济合作社"]),
        ("火秦", []),
        ("星火汽车", []),
    ],
)
def test_two_three_and_four_character_fragments(city: dict[str, Subject], query: str, expected: list[str]) -> None:
    assert names(subject_search(query)) == expected
    assert names(full_scan(query)) == expected


def test_legal_form_suffix_of_the_query_is_dropped(city: dict[str, Subject]) -> None:
    assert names(subject_search("秦川有限公司")) == ["秦川机械制造有限责任公司"]
    assert names(subject_search("星火科技有限责任公司")) == ["西安星火科技有限公司", "陕西星火科技集团股份有限公司"]
    assert subject_search("陕西星火科技集团股份有限公司")[0] == city["xinghuo_group"]


def test_fullwidth_halfwidth_and_letter_case(city: dict[str, Subject]) -> None:
    assert subject_search("ＡＢＣ") == [city["abc"]]
    assert subject_search("abc") == [city["abc"]]
    assert subject_search("c(西安)") == [city["abc"]]
    assert subject_search("Ｃ（西安）软件") == [city["abc"]]


def test_exact_then_leading_then_shorter_names() -> None:
    longer = OrgSubjectFactory.create(name="华信大数据信息技术有限公司")
    other = OrgSubjectFactory.create(name="陕西华信科技有限公司")
    leading = OrgSubjectFactory.create(name="华信科技发展有限公司")
    exact = OrgSubjectFactory.create(name="华信科技有限公司")
    assert subject_search("华信科技有限公司") == [exact, leading, other]
    assert subject_search("华信") == [exact, leading, longer, other]
    assert subject_search("华信", limit=2) == [exact, leading]
    assert subject_search("华信") == full_scan("华信")


def test_orm_rename_keeps_the_index_current(city: dict[str, Subject]) -> None:
    subject = city["qinchuan"]
    subject.name = "终南山茶业有限公司"
    subject.name_normalized = normalise_name(subject.name)
    subject.save()
    assert subject_search("秦川") == []
    assert subject_search("茶业") == [subject]
    Subject.objects.filter(pk=subject.pk).update(name="渭水食品有限公司", name_normalized="渭水食品有限公司")
    assert subject_search("茶业") == []
    assert subject_search("渭水") == [subject]


def test_delete_removes_the_name(city: dict[str, Subject]) -> None:
    Subject.objects.filter(pk=city["coop"].pk).delete()
    assert subject_search("王曲") == []
    assert OrgSubjectFactory.create(name="王曲镇农机服务专业合作社").name in names(subject_search("王曲"))


def test_bulk_create_keeps_the_index_current() -> None:
    Subject.objects.bulk_create(
        [
            Subject(kind=SubjectKind.ORG, name=name, name_normalized=normalise_name(name), uscc=make_uscc(900 + n))
            for n, name in enumerate(["骊山旅游开发有限公司", "骊山温泉酒店管理有限公司", "灞柳物流有限公司"])
        ]
    )
    assert names(subject_search("骊山")) == ["骊山旅游开发有限公司", "骊山温泉酒店管理有限公司"]
    assert names(subject_search("柳物流")) == ["灞柳物流有限公司"]


def test_raw_multi_row_insert_of_the_resolver_keeps_the_index_current() -> None:
    day = date(2026, 11, 2)
    resolver = SubjectResolver(
        actor=OperatorFactory.create(), on_date=day, policy=get_policy(on=day), context={"batch": "index-test"}
    )
    resolver.resolve(
        [
            Wanted(kind="org", name="鼎盛建材商行", uscc=make_uscc(4001)),
            Wanted(kind="org", name="鼎盛装饰工程有限公司", uscc=make_uscc(4002)),
        ]
    )
    # The same identifier again meets ON CONFLICT DO NOTHING; the index holds one entry.
    resolver2 = SubjectResolver(actor=OperatorFactory.create(), on_date=day, policy=get_policy(on=day), context={})
    resolver2.resolve([Wanted(kind="org", name="鼎盛建材商行", uscc=make_uscc(4001))])
    assert names(subject_search("鼎盛")) == ["鼎盛建材商行", "鼎盛装饰工程有限公司"]
    assert names(subject_search("装饰工程")) == ["鼎盛装饰工程有限公司"]


def test_plain_sql_insert_and_update_keep_the_index_current() -> None:
    table = connection.ops.quote_name(Subject._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, name, name_normalized, uscc, uscc_legacy, id_number_masked, created_at,"
            " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            [
                *(
                    "org",
                    "渭水科技有限公司",
                    "渭水科技有限公司",
                    make_uscc(5001),
                    False,
                    "",
                    "2026-11-02",
                    "2026-11-02",
                ),
                *(
                    "org",
                    "渭南农业开发有限公司",
                    "渭南农业开发有限公司",
                    make_uscc(5002),
                    False,
                    "",
                    "2026-11-02",
                    "2026-11-02",
                ),
            ],
        )
        cursor.execute(
            f"UPDATE {table} SET name = %s, name_normalized = %s WHERE uscc = %s",
            ["渭河环保科技有限公司", "渭河环保科技有限公司", make_uscc(5001)],
        )
    assert names(subject_search("渭")) == ["渭河环保科技有限公司", "渭南农业开发有限公司"]
    assert names(subject_search("渭河")) == ["渭河环保科技有限公司"]
    assert subject_search("渭水") == []


@time_machine.travel(AT_NOON, tick=False)
def test_persons_not_found_where_the_pack_keeps_their_information_private() -> None:
    person = PersonSubjectFactory.create(name="王星火")
    OrgSubjectFactory.create(name="王星火商贸有限公司")
    assert get_policy(on=TODAY).flag("disclosure.person_info_public") is False  # 西安 第十七条
    assert names(subject_search("王星火")) == ["王星火商贸有限公司"]
    assert subject_search(person.plain_id_number) == []


@override_settings(PUBCREDIT_POLICY="national")
@time_machine.travel(AT_NOON, tick=False)
def test_persons_found_by_whole_name_only_and_shown_masked_where_the_pack_allows() -> None:
    person = PersonSubjectFactory.create(name="王星火")
    org = OrgSubjectFactory.create(name="王星火商贸有限公司")
    assert get_policy(on=TODAY).flag("disclosure.person_info_public") is True
    assert subject_search("王星火") == [person, org]
    assert subject_search("星火") == [org]  # a fragment never lists people
    assert subject_search(person.plain_id_number) == []
    assert person.public_name == "王**"
    assert org.public_name == org.name


ALPHABET = "华信星火科技秦川西安长安有限公司AbC()·"
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "合作社", ""]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stems=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=8), min_size=1, max_size=12),
    forms=st.lists(st.sampled_from(FORMS), min_size=12, max_size=12),
    picks=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 12), st.integers(1, 5)), min_size=3, max_size=3),
    stray=st.text(alphabet=ALPHABET + "　 ＡＢ（）", min_size=1, max_size=5),
    limit=st.integers(1, 6),
)
def test_indexed_search_equals_the_full_scan(
    stems: list[str], forms: list[str], picks: list[tuple[int, int, int]], stray: str, limit: int
) -> None:
    Subject.objects.all().delete()
    created = [
        Subject(
            kind=SubjectKind.ORG,
            name=stem + forms[n],
            name_normalized=normalise_name(stem + forms[n]),
            uscc=make_uscc(n),
        )
        for n, stem in enumerate(stems)
    ]
    Subject.objects.bulk_create(created)
    queries = [stray]
    for which, start, length in picks:
        name = created[which % len(created)].name_normalized
        queries.append(name[start % len(name) : start % len(name) + length])
    for query in queries:
        if not normalise_name(query):
            continue
        expected = full_scan(query, limit=limit)
        assert subject_search(query, limit=limit) == expected, query
        # PostgreSQL's other paths: a prefix too common to sort whole, a walk that stops short.
        with patch.object(selectors, "PREFIX_SORT_LIMIT", 1), patch.object(selectors, "WALK_BUDGET", 2):
            assert subject_search(query, limit=limit) == expected, query
