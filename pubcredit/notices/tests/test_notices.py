"""Messages reach their recipients (with an e-mail copy after commit) and only them."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from pubcredit.accounts.tests.factories import PASSWORD, OperatorFactory, ProviderClerkFactory, SubjectAccountFactory
from pubcredit.core.errors import ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.notices.models import Notice
from pubcredit.notices.selectors import notices_unread_count, notices_visible_to
from pubcredit.notices.services import notices_send, organisation_staff, role_holders

pytestmark = pytest.mark.django_db


def test_each_active_recipient_gets_one_message_and_an_email_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    subject_user = SubjectAccountFactory.create()
    operator = OperatorFactory.create()
    gone = OperatorFactory.create(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notices_send(
            recipients=[subject_user, operator, operator, gone],
            topic="objection.filed",
            title="异议申请已受理",
            body="记录 12（CF）的异议申请已受理。",
            link="/objections/1/",
        )
    assert {n.recipient_id for n in sent} == {subject_user.pk, operator.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([subject_user.email, operator.email])
    assert notices_unread_count(subject_user) == 1


def test_a_rolled_back_step_tells_nobody(mailoutbox, django_capture_on_commit_callbacks):
    user = SubjectAccountFactory.create()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notices_send(recipients=[user], topic="t", title="标题", body="内容")
        raise RuntimeError("a later step failed")
    assert not Notice.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("title", "link", "problem"),
    [("", "", "不能为空"), ("标题", "https://example.com/x", "平台内的路径")],
)
def test_bad_messages_are_refused_and_nothing_is_written(title: str, link: str, problem: str):
    user = SubjectAccountFactory.create()
    with pytest.raises(ValidationFailed, match=problem):
        notices_send(recipients=[user], topic="t", title=title, body="内容", link=link)
    assert not Notice.objects.exists()


def test_staff_of_an_organisation_and_holders_of_a_role():
    clerk = ProviderClerkFactory.create()
    ProviderClerkFactory.create(organisation=clerk.organisation, is_active=False)
    other = ProviderClerkFactory.create()
    operator = OperatorFactory.create()
    assert organisation_staff(clerk.organisation) == [clerk]
    assert organisation_staff(clerk.organisation, role=Role.OPERATOR) == []
    assert other not in organisation_staff(clerk.organisation)
    assert operator in role_holders(Role.OPERATOR) and clerk not in role_holders(Role.OPERATOR)


def test_the_inbox_shows_own_messages_and_opening_one_marks_it_read():
    mine, theirs = SubjectAccountFactory.create(), SubjectAccountFactory.create()
    (notice,) = notices_send(recipients=[mine], topic="t", title="我的消息", body="内容", link="/me/record/")
    (other,) = notices_send(recipients=[theirs], topic="t", title="别人的消息", body="内容")
    client = Client()
    assert client.login(username=mine.username, password=PASSWORD)
    page = client.get("/me/notices/").content.decode()
    assert "我的消息" in page and "别人的消息" not in page
    assert "站内消息（1）" in page

    answer = client.post(f"/me/notices/{notice.pk}/open")
    assert answer.status_code == 302 and answer["Location"] == "/me/record/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.post(f"/me/notices/{other.pk}/open").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert list(notices_visible_to(mine)) == [notice]
