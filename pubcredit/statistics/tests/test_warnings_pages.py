"""The early-warning pages through the Django test client: who sees which warnings, who may
handle them, filters, paging, and bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pubcredit.accounts.models import User
from pubcredit.core.models import AuditEvent
from pubcredit.statistics.models import EarlyWarning
from pubcredit.statistics.tests.warning_fixtures import (
    People,
    on,
    org_subject,
    people_fixture,  # noqa: F401
)
from pubcredit.statistics.warning_selectors import warnings_visible_to
from pubcredit.statistics.warning_services import NOTE_MAX

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2026, 10, 12)
LIST = "/statistics/warnings/"


@pytest.fixture
def warnings(people: People) -> dict[str, EarlyWarning]:
    """One open warning per queue: the centre's, the provider's, the other provider's, the consumer department's."""
    company = org_subject()

    def make(key: str, organisation: Any, kind: str, hour: int) -> EarlyWarning:
        with on(DAY, hour):
            return EarlyWarning.objects.create(
                kind=kind,
                level="alert",
                key=key,
                subject=company if organisation is None else None,
                organisation=organisation,
                title=f"预警 {key}",
                detail="说明",
                article="warnings.loop_near_wd = 2（平台默认，national）",
                link="/measures/queue/",
            )

    return {
        "centre": make(f"bad_rise:{company.pk}", None, "bad_rise", 8),
        "provider": make("provider_silent:1:2026-10-09", people.provider, "provider_silent", 9),
        "other": make("provider_silent:2:2026-10-09", people.other_provider, "provider_silent", 10),
        "department": make("loop_deadline:measure_task:1:2026-10-14:notice", people.department, "loop_deadline", 11),
    }


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user: User | None, **params: str) -> Any:
    with on(DAY, 12):
        return client_for(user).get(LIST, params)


def post_handle(user: User, warning: EarlyWarning, note: str) -> Any:
    with on(DAY, 14):
        return client_for(user).post(reverse("statistics:warning_handle", args=[warning.pk]), {"note": note})


def shown(response: Any) -> set[int]:
    return {warning.pk for warning, _ in response.context["rows"]}


def test_urls_are_named_in_the_statistics_namespace() -> None:
    assert reverse("statistics:warnings") == LIST
    assert reverse("statistics:warning_handle", args=[7]) == "/statistics/warnings/7/handle/"


def test_operators_and_the_authority_see_every_warning_newest_first(
    people: People, warnings: dict[str, EarlyWarning]
) -> None:
    for user in (people.operator, people.authority):
        response = get(user)
        assert response.status_code == 200
        assert [w.pk for w, _ in response.context["rows"]] == [
            warnings[name].pk for name in ("department", "other", "provider", "centre")
        ]
    operator_rows = dict(get(people.operator).context["rows"])
    assert all(operator_rows.values())  # operators may handle every warning
    authority_rows = dict(get(people.authority).context["rows"])
    assert not any(authority_rows.values())  # the authority oversees but does not handle
    assert "标记为已处理" not in get(people.authority).content.decode()


def test_clerks_see_their_own_organisation_only(people: People, warnings: dict[str, EarlyWarning]) -> None:
    assert shown(get(people.clerk)) == {warnings["provider"].pk}
    assert shown(get(people.other_clerk)) == {warnings["other"].pk}
    assert shown(get(people.consumer)) == {warnings["department"].pk}
    body = get(people.clerk).content.decode()
    assert "预警 provider_silent:1:2026-10-09" in body and "预警 provider_silent:2" not in body


def test_anonymous_is_sent_to_sign_in_and_roles_without_warnings_are_refused(
    people: People, warnings: dict[str, EarlyWarning]
) -> None:
    response = get(None)
    assert response.status_code == 302 and "next=" in response["Location"]
    for user in (people.account, people.auditor, people.public):
        assert get(user).status_code == 403
        assert not warnings_visible_to(user).exists()
    assert not warnings_visible_to(None).exists()
    with on(DAY):
        response = client_for(people.auditor).post(
            reverse("statistics:warning_handle", args=[warnings["centre"].pk]), {"note": "看过"}
        )
    assert response.status_code == 403
    assert EarlyWarning.objects.get(pk=warnings["centre"].pk).state == "open"


def test_filters_by_kind_and_state_and_refuses_unknown_values_in_chinese(
    people: People, warnings: dict[str, EarlyWarning]
) -> None:
    assert shown(get(people.operator, kind="provider_silent")) == {warnings["provider"].pk, warnings["other"].pk}
    assert shown(get(people.operator, state="handled")) == set()
    response = get(people.operator, kind="nonsense", state="open")
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["预警类型“nonsense”不存在，请从列表中选择；该条件未生效"]
    assert len(shown(response)) == 4  # the valid state filter still applies: all four are open


def test_the_list_is_paginated(people: People) -> None:
    with on(DAY):
        EarlyWarning.objects.bulk_create(
            EarlyWarning(kind="bad_rise", key=f"bad_rise:{n}", title=f"预警{n}", detail="说明") for n in range(55)
        )
    first = get(people.operator)
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    second = get(people.operator, page="2")
    assert len(second.context["rows"]) == 5
    assert "第 2 / 2 页" in second.content.decode()
    assert len(get(people.operator, page="abc").context["rows"]) == 50  # a bad page number shows the first


def test_an_operator_handles_any_warning_and_it_is_audited(people: People, warnings: dict[str, EarlyWarning]) -> None:
    target = warnings["provider"]
    response = post_handle(people.operator, target, "  已电话督促补报  ")
    assert response.status_code == 302 and response["Location"] == LIST
    target.refresh_from_db()
    assert (target.state, target.handled_by_id, target.handled_note) == (
        "handled",
        people.operator.pk,
        "已电话督促补报",
    )
    assert target.closed_at is not None
    event = AuditEvent.objects.filter(action="statistics.warning_handle").get()
    assert (event.actor_id, event.target_id, event.data["note_length"]) == (people.operator.pk, str(target.pk), 7)
    # Handled once: a second attempt is refused in Chinese and changes nothing.
    response = client_for(people.operator).post(
        reverse("statistics:warning_handle", args=[target.pk]), {"note": "再次处理"}, follow=True
    )
    assert "当前状态为“已处理”，不能再处理" in response.content.decode()
    target.refresh_from_db()
    assert target.handled_note == "已电话督促补报"


def test_a_clerk_handles_their_own_warning_but_not_anothers(people: People, warnings: dict[str, EarlyWarning]) -> None:
    assert post_handle(people.clerk, warnings["provider"], "已补报").status_code == 302
    assert EarlyWarning.objects.get(pk=warnings["provider"].pk).state == "handled"
    assert post_handle(people.clerk, warnings["other"], "已补报").status_code == 404
    assert post_handle(people.clerk, warnings["centre"], "已补报").status_code == 404
    assert post_handle(people.consumer, warnings["department"], "已反馈").status_code == 302
    assert post_handle(people.authority, warnings["centre"], "已阅").status_code == 403
    assert set(EarlyWarning.objects.filter(state="open").values_list("pk", flat=True)) == {
        warnings["other"].pk,
        warnings["centre"].pk,
    }


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "请填写处理说明：处理说明不能为空"),
        ("   ", "请填写处理说明：处理说明不能为空"),
        ("长" * (NOTE_MAX + 1), "处理说明共 501 个字，超过了 500 个字的上限，请精简后再提交"),
    ],
)
def test_a_missing_or_long_note_is_refused_and_nothing_changes(
    people: People, warnings: dict[str, EarlyWarning], note: str, message: str
) -> None:
    target = warnings["centre"]
    events = AuditEvent.objects.count()
    with on(DAY):
        response = client_for(people.operator).post(
            reverse("statistics:warning_handle", args=[target.pk]), {"note": note}, follow=True
        )
    assert message in response.content.decode()
    target.refresh_from_db()
    assert (target.state, target.closed_at, target.handled_by_id, target.handled_note) == ("open", None, None, "")
    assert AuditEvent.objects.count() == events


def test_a_note_of_exactly_the_limit_is_accepted(people: People, warnings: dict[str, EarlyWarning]) -> None:
    assert post_handle(people.operator, warnings["centre"], "长" * NOTE_MAX).status_code == 302
    assert EarlyWarning.objects.get(pk=warnings["centre"].pk).state == "handled"


def test_handling_is_post_only(people: People, warnings: dict[str, EarlyWarning]) -> None:
    with on(DAY):
        response = client_for(people.operator).get(reverse("statistics:warning_handle", args=[warnings["centre"].pk]))
    assert response.status_code == 405
