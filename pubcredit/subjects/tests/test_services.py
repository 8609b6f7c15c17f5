from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine

from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    AuditorFactory,
    ConsumerClerkFactory,
    ConsumerOrganisationFactory,
    OperatorFactory,
    ProviderClerkFactory,
    SubjectAccountFactory,
    SuperuserFactory,
    anonymous,
)
from pubcredit.core.crypto import decrypt_identifier
from pubcredit.core.errors import DomainError, PermissionDenied, ValidationFailed
from pubcredit.core.models import AuditEvent
from pubcredit.policy import get_policy
from pubcredit.subjects.identifiers import id_number_check_character
from pubcredit.subjects.models import Subject, SubjectKind
from pubcredit.subjects.services import (
    prepare_subject,
    subject_get_or_register,
    subject_register,
    subject_update,
)
from pubcredit.subjects.tests.factories import make_id_number, make_uscc

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 22)


def _id(born: str, seq: str = "123") -> str:
    body = f"610103{born}{seq}"
    return body + id_number_check_character(body)


def _refused(call: Callable[[], Any], error: type[DomainError] = ValidationFailed) -> DomainError:
    before = (Subject.objects.count(), AuditEvent.objects.count())
    with pytest.raises(error) as caught:
        call()
    assert (Subject.objects.count(), AuditEvent.objects.count()) == before, "a refusal must write nothing"
    return caught.value


@pytest.fixture
def clerk() -> Any:
    return ProviderClerkFactory.create()


def test_provider_registers_an_organisation(clerk: Any) -> None:
    subject = subject_register(
        actor=clerk,
        kind="org",
        name=" 西安某某科技（集团） 有限公司 ",
        uscc=" ９１１１００００６０００３７３４１ｌ ",
        on_date=DAY,
    )
    assert subject.kind == SubjectKind.ORG
    assert subject.name == "西安某某科技（集团） 有限公司"
    assert subject.name_normalized == "西安某某科技(集团)有限公司"
    assert subject.uscc == "91110000600037341L"
    assert not subject.uscc_legacy
    event = AuditEvent.objects.get(action="subjects.subject_register")
    assert event.actor_id == clerk.pk
    assert event.target_id == str(subject.pk)
    assert event.data["identifier"] == "91110000600037341L"


def test_same_identifier_returns_the_existing_subject(clerk: Any) -> None:
    first, created = subject_get_or_register(actor=clerk, kind="org", name="甲公司", uscc=make_uscc(1), on_date=DAY)
    again, created_again = subject_get_or_register(
        actor=clerk, kind="org", name="甲公司（改名）", uscc=make_uscc(1).lower(), on_date=DAY
    )
    assert created and not created_again
    assert again == first
    assert again.name == "甲公司"
    assert Subject.objects.count() == 1
    assert AuditEvent.objects.filter(action="subjects.subject_register").count() == 1


def test_legacy_code_is_accepted_only_when_marked(clerk: Any) -> None:
    error = _refused(lambda: subject_register(actor=clerk, kind="org", name="旧码公司", uscc="91610000X12345678A"))
    assert error.message == "统一社会信用代码“91610000X12345678A”校验位错误，应为“L”"
    assert error.field == "uscc"
    subject = subject_register(actor=clerk, kind="org", name="旧码公司", uscc="91610000X12345678A", legacy=True)
    assert subject.uscc_legacy


def test_person_is_stored_encrypted_indexed_and_masked(clerk: Any) -> None:
    number = _id("19900101")
    subject = subject_register(actor=clerk, kind="person", name="张三", id_number=number.lower(), on_date=DAY)
    subject.refresh_from_db()
    assert subject.id_number_cipher is not None
    assert subject.id_number_index is not None
    assert decrypt_identifier(bytes(subject.id_number_cipher)) == number
    assert subject.id_number_masked == "610103********" + number[-4:]
    assert len(subject.id_number_index) == 64
    assert subject.uscc is None
    stored = [str(getattr(subject, f.attname)) for f in Subject._meta.concrete_fields]
    assert not any(number in value or "19900101" in value for value in stored)
    event = AuditEvent.objects.get(action="subjects.subject_register")
    assert number not in str(event.data)
    assert "19900101" not in str(event.data)
    assert event.data["identifier"] == subject.id_number_masked


def test_person_registered_twice_is_found_by_index(clerk: Any) -> None:
    number = make_id_number(5)
    first = subject_register(actor=clerk, kind="person", name="李四", id_number=number, on_date=DAY)
    assert subject_register(actor=clerk, kind="person", name="李 四", id_number=number, on_date=DAY) == first


def test_under_age_person_is_refused_with_the_article(clerk: Any) -> None:
    number = _id("20081122")
    error = _refused(lambda: subject_register(actor=clerk, kind="person", name="王五", id_number=number, on_date=DAY))
    assert error.message == "自然人未满18周岁（西安 第十条），不得作为信用主体归集"
    assert error.field == "id_number"
    later = subject_register(actor=clerk, kind="person", name="王五", id_number=number, on_date=date(2026, 11, 23))
    assert later.pk is not None


@time_machine.travel("2026-11-22 09:00:00+08:00", tick=False)
def test_decision_date_defaults_to_today_in_shanghai(clerk: Any) -> None:
    number = _id("20081121")
    assert subject_register(actor=clerk, kind="person", name="赵六", id_number=number).pk is not None
    younger = _id("20081122", "456")
    _refused(lambda: subject_register(actor=clerk, kind="person", name="钱七", id_number=younger))


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "company", "name": "x", "uscc": make_uscc(1)}, "kind", "主体类型“company”无效"),
        ({"kind": "org", "name": "  ", "uscc": make_uscc(1)}, "name", "主体名称不能为空"),
        ({"kind": "org", "name": "无码公司"}, "uscc", "法人和非法人组织“无码公司”必须提供统一社会信用代码"),
        (
            {"kind": "org", "name": "x", "uscc": make_uscc(1), "id_number": make_id_number(1)},
            "id_number",
            "不应提供身份证号码",
        ),
        ({"kind": "person", "name": "张三"}, "id_number", "自然人必须提供身份证号码"),
        (
            {"kind": "person", "name": "张三", "id_number": make_id_number(1), "uscc": make_uscc(1)},
            "uscc",
            "自然人不应",
        ),
        ({"kind": "person", "name": "张三", "id_number": "610103199001011230"}, "id_number", "校验码错误"),
        ({"kind": "person", "name": "张三", "id_number": "6101031990"}, "id_number", "长度应为18位"),
        ({"kind": "org", "name": "x" * 201, "uscc": make_uscc(1)}, "name", "超过200个字符"),
    ],
)
def test_invalid_input_is_refused_with_field_and_nothing_is_written(
    clerk: Any, kwargs: dict[str, Any], field: str, message: str
) -> None:
    error = _refused(lambda: subject_register(actor=clerk, on_date=DAY, **kwargs))
    assert error.field == field
    assert message in error.message
    assert "610103199001011230" not in error.message


@pytest.mark.parametrize(
    "persona",
    [ConsumerClerkFactory, AuditorFactory, SubjectAccountFactory],
)
def test_only_operator_provider_or_collect_client_registers(persona: Any) -> None:
    actor = persona.create()
    error = _refused(
        lambda: subject_register(actor=actor, kind="org", name="甲", uscc=make_uscc(1), on_date=DAY), PermissionDenied
    )
    assert error.message == "只有信用中心或信息提供单位可以登记信用主体"


def test_anonymous_cannot_register() -> None:
    _refused(lambda: subject_register(actor=anonymous(), kind="org", name="甲", uscc=make_uscc(1)), PermissionDenied)


def test_operator_superuser_and_collect_client_may_register() -> None:
    for index, actor in enumerate([OperatorFactory.create(), SuperuserFactory.create(), ApiClientFactory.create()]):
        subject_register(actor=actor, kind="org", name=f"主体{index}", uscc=make_uscc(index), on_date=DAY)
    assert Subject.objects.count() == 3
    client_event = AuditEvent.objects.order_by("-seq").first()
    assert client_event is not None
    assert client_event.actor_id is None
    assert client_event.data["api_client"].startswith("归集接口")


def test_clients_without_collect_or_of_a_consumer_are_refused() -> None:
    query_only = ApiClientFactory.create(scopes=["query"])
    consumer = ApiClientFactory.create(organisation=ConsumerOrganisationFactory.create(), scopes=["collect"])
    for actor in (query_only, consumer):

        def register(actor: Any = actor) -> Subject:
            return subject_register(actor=actor, kind="org", name="甲", uscc=make_uscc(1))

        _refused(register, PermissionDenied)


def test_prepare_subject_lets_a_loader_bulk_create_quickly() -> None:
    policy = get_policy(on=DAY)
    prepared = [
        prepare_subject(kind="org", name=f"批量主体{n}有限公司", uscc=make_uscc(n), on_date=DAY, policy=policy)
        for n in range(500)
    ] + [
        prepare_subject(kind="person", name=f"自然人{n}", id_number=make_id_number(n), on_date=DAY, policy=policy)
        for n in range(500)
    ]
    assert all(subject.pk is None for subject in prepared)
    assert Subject.objects.count() == 0
    Subject.objects.bulk_create(prepared, batch_size=500)
    assert Subject.objects.filter(kind="org").count() == 500
    assert Subject.objects.filter(kind="person", id_number_index__isnull=False).count() == 500


def test_prepare_subject_reads_the_age_floor_of_the_given_pack() -> None:
    number = _id("20100101")
    with pytest.raises(ValidationFailed, match="元宝山 第二条"):
        prepare_subject(
            kind="person", name="孙八", id_number=number, on_date=DAY, policy=get_policy(on=DAY, pack="yuanbaoshan")
        )
    # 大连 sets no age floor: the rule does not apply there.
    person = prepare_subject(
        kind="person", name="孙八", id_number=number, on_date=DAY, policy=get_policy(on=DAY, pack="dalian")
    )
    assert person.id_number_masked.startswith("610103")


def test_subject_update_is_operator_only_and_keeps_identifiers(clerk: Any) -> None:
    subject = subject_register(actor=clerk, kind="org", name="旧名称有限公司", uscc=make_uscc(2), on_date=DAY)
    _refused(lambda: subject_update(actor=clerk, subject=subject, name="新名称有限公司"), PermissionDenied)
    operator = OperatorFactory.create()
    _refused(lambda: subject_update(actor=operator, subject=subject, name="  "))
    updated = subject_update(actor=operator, subject=subject, name="新名称（西安）有限公司")
    assert updated.name_normalized == "新名称(西安)有限公司"
    assert updated.uscc == make_uscc(2)
    before = AuditEvent.objects.count()
    subject_update(actor=operator, subject=subject, name="新名称（西安）有限公司")
    assert AuditEvent.objects.count() == before
