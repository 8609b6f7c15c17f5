import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from pubcredit.accounts.tests.factories import (
    ApiClientFactory,
    ConsumerClerkFactory,
    OperatorFactory,
    ProviderClerkFactory,
)
from pubcredit.core.models import AuditEvent
from pubcredit.subjects.identifiers import id_number_check_character
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory, make_uscc

pytestmark = pytest.mark.django_db

URL = "/api/v1/subjects"


def _post(client: Client, body: Any, **headers: str) -> Any:
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


def _nothing_written(call: Any) -> Any:
    before = (Subject.objects.count(), AuditEvent.objects.count())
    response = call()
    assert (Subject.objects.count(), AuditEvent.objects.count()) == before
    return response


# --- public reads ----------------------------------------------------------------------------


def test_public_search_returns_organisations_only_in_utf8() -> None:
    org = OrgSubjectFactory.create(name="西安星火科技有限公司", district="高新区")
    PersonSubjectFactory.create(name="星火明")
    response = Client().get(URL, {"q": "星火"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": org.pk,
            "kind": "org",
            "kind_label": "法人和非法人组织",
            "name": "西安星火科技有限公司",
            "uscc": org.uscc,
            "district": "高新区",
        }
    ]
    assert "西安星火科技有限公司".encode() in response.content


def test_public_search_by_uscc() -> None:
    org = OrgSubjectFactory.create()
    assert [row["id"] for row in Client().get(URL, {"q": org.uscc}).json()] == [org.pk]


def test_public_detail_of_an_organisation() -> None:
    org = OrgSubjectFactory.create()
    response = Client().get(f"{URL}/{org.pk}")
    assert response.status_code == 200
    assert response.json()["uscc"] == org.uscc
    assert set(response.json()) == {"id", "kind", "kind_label", "name", "uscc", "district"}


def test_public_detail_hides_persons_and_unknown_ids() -> None:
    person = PersonSubjectFactory.create()
    for subject_id in (person.pk, 987654):
        response = Client().get(f"{URL}/{subject_id}")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": f"信用主体“{subject_id}”不存在"}


# --- registration ----------------------------------------------------------------------------


def test_provider_registers_by_session() -> None:
    browser = Client()
    browser.force_login(ProviderClerkFactory.create())
    response = _post(browser, {"kind": "org", "name": "西安某某有限公司", "uscc": make_uscc(3), "district": "碑林区"})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["uscc"] == make_uscc(3)
    again = _post(browser, {"kind": "org", "name": "西安某某有限公司", "uscc": make_uscc(3)})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert again.json()["created"] is False


def test_session_post_without_csrf_token_is_refused() -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(OperatorFactory.create())
    response = _nothing_written(lambda: _post(browser, {"kind": "org", "name": "甲", "uscc": make_uscc(1)}))
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


def test_client_registers_a_person_by_token_and_gets_the_masked_number_only() -> None:
    api_client = ApiClientFactory.create()
    body = "610103199001011"
    number = body + "23" + id_number_check_character(body + "23")
    response = _post(
        Client(),
        {"kind": "person", "name": "张三", "id_number": number, "on_date": "2026-11-22"},
        Authorization=f"Bearer {api_client.plain_token}",
    )
    assert response.status_code == 201
    assert number not in response.content.decode()
    assert response.json()["id_number_masked"] == "610103********" + number[-4:]


@time_machine.travel("2026-11-22 09:00:00+08:00", tick=False)
def test_under_age_person_is_400_with_message_and_field_and_nothing_written() -> None:
    api_client = ApiClientFactory.create()
    body = "61010320081122123"
    number = body + id_number_check_character(body)
    response = _nothing_written(
        lambda: _post(
            Client(),
            {"kind": "person", "name": "小明", "id_number": number},
            Authorization=f"Bearer {api_client.plain_token}",
        )
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "自然人未满18周岁（西安 第十条），不得作为信用主体归集",
        "field": "id_number",
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "org", "name": "甲", "uscc": "91610000X12345678A"}, "uscc", "校验位错误，应为“L”"),
        ({"kind": "person", "name": "乙", "id_number": "610103199001011230"}, "id_number", "校验码错误"),
        ({"kind": "org", "name": "甲", "uscc": make_uscc(1), "id_numbr": "1"}, "id_numbr", "不允许的字段“id_numbr”"),
        ({"name": "甲", "uscc": make_uscc(1)}, "kind", "缺少必填字段“kind”"),
        ({"kind": "org", "name": ["甲"], "uscc": make_uscc(1)}, "name", "字段“name”的值类型不正确"),
        ({"kind": "org", "name": "甲", "uscc": make_uscc(1), "on_date": "22/11/2026"}, "on_date", "格式不正确"),
    ],
)
def test_invalid_registrations_are_400_in_chinese_with_field(body: dict[str, Any], field: str, message: str) -> None:
    api_client = ApiClientFactory.create()
    response = _nothing_written(lambda: _post(Client(), body, Authorization=f"Bearer {api_client.plain_token}"))
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert message in response.json()["message"]
    assert "610103199001011230" not in response.content.decode()


def test_malformed_json_is_400() -> None:
    api_client = ApiClientFactory.create()
    response = _nothing_written(lambda: _post(Client(), "{not json", Authorization=f"Bearer {api_client.plain_token}"))
    assert response.status_code == 400
    assert response.json()["message"] == "请求体不是有效的 JSON"


def test_registration_needs_credentials() -> None:
    response = _nothing_written(lambda: _post(Client(), {"kind": "org", "name": "甲", "uscc": make_uscc(1)}))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "请先登录" in response.json()["message"]


def test_revoked_or_wrong_scope_tokens_and_consumers_are_refused() -> None:
    revoked = ApiClientFactory.create(revoked_at="2026-11-20T10:00:00+08:00")
    query_only = ApiClientFactory.create(scopes=["query"])
    body = {"kind": "org", "name": "甲", "uscc": make_uscc(1)}
    response = _nothing_written(lambda: _post(Client(), body, Authorization=f"Bearer {revoked.plain_token}"))
    assert response.status_code == 401
    assert response.json()["message"] == f"API 客户端“{revoked.name}”的访问令牌已于2026-11-20撤销"
    response = _nothing_written(lambda: _post(Client(), body, Authorization=f"Bearer {query_only.plain_token}"))
    assert response.status_code == 403
    assert "collect" in response.json()["message"]
    browser = Client()
    browser.force_login(ConsumerClerkFactory.create())
    response = _nothing_written(lambda: _post(browser, body))
    assert response.status_code == 403
    assert response.json()["message"] == "只有信用中心或信息提供单位可以登记信用主体"


def test_openapi_documents_the_request_body() -> None:
    schema = Client().get("/api/openapi.json").json()
    post = schema["paths"][URL]["post"]
    assert "id_number" in post["requestBody"]["content"]["application/json"]["schema"]["properties"]
