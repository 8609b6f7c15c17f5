"""Sending messages and marking them read.

`notices_send` is what every workflow calls to tell a party something (an objection forwarded, a
deadline near, a decision made): one row per recipient, and after the surrounding transaction
commits, one e-mail per recipient with an address through Django's mail backend (console in the
demo, SMTP where configured). A rolled-back step tells nobody. Messages carry record numbers and
item codes, never ID numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.models import Organisation, User
from pubcredit.core.errors import NotFound, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.notices.models import Notice


def notices_send(*, recipients: Iterable[User], topic: str, title: str, body: str, link: str = "") -> list[Notice]:
    """One message to each distinct active recipient; e-mail copies go out on commit."""
    if not title.strip() or not body.strip():
        raise ValidationFailed("消息标题和内容不能为空", field="title")
    if link and not link.startswith("/"):
        raise ValidationFailed(f"办理链接“{link[:60]}”必须是平台内的路径（以 / 开头）", field="link")
    unique = {user.pk: user for user in recipients if user.is_active}
    now = timezone.now()
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, topic=topic, title=title[:200], body=body, link=link, created_at=now)
        for user in unique.values()
    )
    mails = [(title[:200], body, None, [user.email]) for user in unique.values() if user.email]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return notices


def organisation_staff(organisation: Organisation | int, *, role: Role | None = None) -> list[User]:
    """Active users of an organisation, those holding `role` there when given."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    users = User.objects.filter(organisation_id=organisation_id, is_active=True)
    if role is not None:
        users = users.filter(role_grants__role=role, role_grants__revoked_at__isnull=True)
    return list(users.distinct())


def role_holders(role: Role) -> list[User]:
    """Active users holding `role` (e.g. every credit-centre operator, for the objection desk)."""
    return list(
        User.objects.filter(is_active=True, role_grants__role=role, role_grants__revoked_at__isnull=True).distinct()
    )


def notice_mark_read(*, actor: User, notice_id: int) -> Notice:
    notice = Notice.objects.filter(pk=notice_id, recipient_id=actor.pk).first()
    if notice is None:
        raise NotFound(f"未找到编号为 {notice_id} 的消息")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_mark_all_read(*, actor: User) -> int:
    return Notice.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())
