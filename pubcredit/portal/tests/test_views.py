"""Server-side tests of the portal pages with Django's test client."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied, server_error

from pubcredit.portal import views
from pubcredit.portal.forms import ID_NUMBER_REFUSAL
from pubcredit.subjects.models import Subject
from pubcredit.subjects.tests.factories import OrgSubjectFactory, PersonSubjectFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101199003077777"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every query that reaches the subjects search, to prove a refused one never does."""
    seen: list[str] = []
    real = views.subject_search

    def recording(query: str, *, limit: int = 20) -> Any:
        seen.append(query)
        return real(query, limit=limit)

    monkeypatch.setattr(views, "subject_search", recording)
    return seen


def test_home_page_offers_the_search_box(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "公共信用信息平台" in html
    assert 'name="q"' in html
    assert 'action="/search"' in html
    assert "统一社会信用代码或名称关键字" in html
    assert 'href="/api/docs"' in html
    assert "主办：信用中心" in html
    assert "/static/js/htmx.min.js" in html


def test_empty_search_page_invites_a_query_without_searching(client: Client, searches: list[str]) -> None:
    response = client.get("/search")
    assert response.status_code == 200
    assert "后查询" in response.content.decode()
    assert searches == []


def test_a_one_character_query_gets_a_hint_and_is_not_searched(client: Client, searches: list[str]) -> None:
    response = client.get("/search", {"q": "华"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "查询词“华”太短" in html
    assert searches == []


def test_an_id_number_is_refused_and_the_browser_sent_to_a_url_without_it(client: Client, searches: list[str]) -> None:
    response = client.get("/search", {"q": ID_NUMBER})
    assert response.status_code == 302
    assert response["Location"] == "/search"
    assert searches == []
    assert [str(m) for m in get_messages(response.wsgi_request)] == [ID_NUMBER_REFUSAL]

    shown = client.get(response["Location"])
    html = shown.content.decode()
    assert ID_NUMBER_REFUSAL in html
    assert ID_NUMBER not in html


def test_an_id_number_typed_into_the_live_search_is_refused_and_not_pushed(client: Client, searches: list[str]) -> None:
    response = client.get("/search", {"q": f"张三 {ID_NUMBER}"}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "false"
    html = response.content.decode()
    assert ID_NUMBER_REFUSAL in html
    assert ID_NUMBER not in html
    assert "<html" not in html
    assert searches == []


def test_live_search_answers_with_the_results_fragment_only(client: Client) -> None:
    response = client.get("/search", {"q": "华"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "太短" in html


def test_history_restore_gets_the_whole_page(client: Client) -> None:
    response = client.get("/search", {"q": "华"}, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_search_refuses_post(client: Client) -> None:
    assert client.post("/search", {"q": "华为"}).status_code == 405


def test_unknown_page_answers_404_in_chinese(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_forbidden_page_is_in_chinese(rf: RequestFactory) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = rf.get("/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_server_error_page_is_in_chinese_and_needs_no_context(rf: RequestFactory) -> None:
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器内部错误" in html
    assert "公共信用信息平台" in html


def test_csrf_failure_page_is_in_chinese() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/logout/")
    assert response.status_code == 403
    assert "安全校验" in response.content.decode()


def test_login_page_is_in_chinese(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名" in html
    assert "密码" in html
    assert 'autocomplete="current-password"' in html


def test_wrong_password_is_refused_in_chinese(client: Client) -> None:
    get_user_model().objects.create_user(username="clerk", password="right-password-123")
    response = client.post("/login/", {"username": "clerk", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_login_then_logout_by_post(client: Client) -> None:
    get_user_model().objects.create_user(
        username="operator1", password="right-password-123", display_name="信用中心 王工"
    )
    response = client.post("/login/", {"username": "operator1", "password": "right-password-123"}, follow=True)
    assert response.redirect_chain[-1] == ("/", 302)
    html = response.content.decode()
    assert "信用中心 王工" in html
    assert "您已登录" in html
    assert 'action="/logout/"' in html

    assert client.get("/logout/").status_code == 405  # a link or a prefetch cannot sign anyone out
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain[-1] == ("/", 302)
    html = response.content.decode()
    assert "您已安全退出" in html
    assert "信用中心 王工" not in html
    assert 'href="/login/"' in html


def test_a_name_fragment_finds_the_organisation_with_its_details(client: Client) -> None:
    subject: Subject = OrgSubjectFactory.create(name="西安秦岭智造科技有限公司", district="高新区")
    OrgSubjectFactory.create(name="宝鸡渭河食品有限公司")
    response = client.get("/search", {"q": "秦岭"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "找到 1 个" in html
    assert "西安秦岭智造科技有限公司" in html
    assert subject.uscc is not None
    assert subject.uscc in html
    assert "法人和非法人组织" in html
    assert "高新区" in html
    assert f'href="/subjects/{subject.id}/"' in html
    assert "宝鸡渭河食品有限公司" not in html


def test_an_exact_uscc_finds_the_organisation(client: Client) -> None:
    subject: Subject = OrgSubjectFactory.create(name="西安城墙文化旅游有限公司")
    OrgSubjectFactory.create()
    assert subject.uscc is not None
    response = client.get("/search", {"q": subject.uscc.lower()})
    html = response.content.decode()
    assert "找到 1 个" in html
    assert "西安城墙文化旅游有限公司" in html


def test_an_all_digit_uscc_is_searched_not_refused(client: Client, searches: list[str]) -> None:
    code = "911100001000012362"
    OrgSubjectFactory.create(name="北京老字号食品有限公司", uscc=code)
    response = client.get("/search", {"q": code})
    assert response.status_code == 200
    assert "北京老字号食品有限公司" in response.content.decode()
    assert searches == [code]


def test_no_match_says_so(client: Client) -> None:
    OrgSubjectFactory.create(name="西安秦岭智造科技有限公司")
    response = client.get("/search", {"q": "不存在的公司名"})
    assert response.status_code == 200
    assert "未找到与“不存在的公司名”相符的组织" in response.content.decode()


def test_persons_are_never_found_by_the_public_search(client: Client) -> None:
    person: Subject = PersonSubjectFactory.create(name="王秦岭")
    response = client.get("/search", {"q": "秦岭"})
    html = response.content.decode()
    assert "王秦岭" not in html
    assert person.id_number_masked not in html
    assert "未找到" in html


def test_live_search_results_are_the_fragment(client: Client) -> None:
    OrgSubjectFactory.create(name="西安秦岭智造科技有限公司")
    response = client.get("/search", {"q": "秦岭"}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "西安秦岭智造科技有限公司" in html
    assert "HX-Push-Url" not in response


def test_many_matches_say_that_only_the_first_are_shown(client: Client) -> None:
    OrgSubjectFactory.create_batch(views.SEARCH_LIMIT + 1, name=factory.Sequence(lambda n: f"长安{n}号商贸有限公司"))
    html = client.get("/search", {"q": "长安"}).content.decode()
    assert f"仅显示前 {views.SEARCH_LIMIT} 个" in html
    assert html.count('class="pc-result"') == views.SEARCH_LIMIT


def test_subject_page_shows_the_basic_information(client: Client) -> None:
    subject: Subject = OrgSubjectFactory.create(name="西安秦岭智造科技有限公司", district="高新区")
    response = client.get(f"/subjects/{subject.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>西安秦岭智造科技有限公司</h1>" in html
    assert subject.uscc is not None
    assert subject.uscc in html
    assert "法人和非法人组织" in html
    assert "高新区" in html


def test_missing_subject_answers_404(client: Client) -> None:
    response = client.get("/subjects/987654/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_person_has_no_public_page(client: Client) -> None:
    person: Subject = PersonSubjectFactory.create()
    response = client.get(f"/subjects/{person.id}/")
    assert response.status_code == 404
    assert person.name not in response.content.decode()


@pytest.fixture
def seeded_catalogue() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("catalog", "seed", stdout=io.StringIO())
        yield


@pytest.mark.usefixtures("seeded_catalogue")
def test_catalogue_lists_items_grouped_by_class_in_chinese(client: Client) -> None:
    response = client.get("/catalog/")
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f">{label}<") for label in ("登记类", "资质类", "表彰类", "监管类", "判决类")]
    assert positions == sorted(positions)
    assert "行政许可信息" in html
    assert "行政处罚信息" in html
    assert 'href="/catalog/XK/"' in html
    assert "不良信息" in html
    assert "公开" in html
    assert "按政策包及国家分级规定" in html
    assert "西安 第十一条" in html


@pytest.mark.usefixtures("seeded_catalogue")
def test_catalogue_item_lists_its_fields_in_chinese(client: Client) -> None:
    response = client.get("/catalog/XK/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>行政许可信息</h1>" in html
    assert "资质类" in html
    assert "双公示事项</dt><dd>是" in html
    assert "<td>行政相对人名称</td>" in html
    assert "<td>统一社会信用代码</td>" in html
    assert "<td>日期</td>" in html
    assert "<td>必填</td>" in html
    assert "<td>法人和非法人组织必填</td>" in html
    assert "<td>选填</td>" in html
    assert "XK_XDR_MC" not in html  # the technical names are for providers' files, not the public


@pytest.mark.usefixtures("seeded_catalogue")
def test_unknown_catalogue_item_answers_404(client: Client) -> None:
    assert client.get("/catalog/NOPE/").status_code == 404


def test_catalogue_before_any_item_is_in_force_says_so(client: Client) -> None:
    response = client.get("/catalog/")
    assert response.status_code == 200
    assert "目录尚未发布任何事项" in response.content.decode()
