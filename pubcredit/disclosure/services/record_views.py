"""Looks at a subject's full record that go beyond public information, each written to the query log.

The subject's own look (self-query, 西安 第十九条: the subject may query its non-public information)
and a staff member's look (西安 第三十八条, 元宝山 第二十七条: staff queries are logged like
anyone's) both pass through `records_disclosed` and leave one query log entry.
"""

from __future__ import annotations

import datetime as dt

from pubcredit.accounts.actors import Actor, actor_may, actor_user_and_label, is_superuser
from pubcredit.accounts.models import ApiClient
from pubcredit.core.audit import audit_text
from pubcredit.core.errors import PermissionDenied
from pubcredit.core.roles import Role
from pubcredit.disclosure.selectors.records import Disclosed, records_disclosed
from pubcredit.disclosure.services.charges import query_charge_assess
from pubcredit.disclosure.services.query_log import query_log_write
from pubcredit.disclosure.staff_reasons import StaffReason
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.subjects.models import Subject
from pubcredit.subjects.selectors import subject_find_by_uscc


def own_subject(actor: Actor) -> Subject | None:
    """The subject an actor is: a subject's account, or an API client of an organisation with that USCC."""
    if isinstance(actor, ApiClient):
        uscc = actor.organisation.uscc
        return subject_find_by_uscc(uscc) if uscc else None
    subject_id = getattr(actor, "subject_id", None)
    if subject_id is None or not getattr(actor, "is_active", False):
        return None
    return Subject.objects.filter(pk=subject_id).first()


def is_staff_viewer(actor: Actor) -> bool:
    return is_superuser(actor) or actor_may(actor, Role.OPERATOR, scope="query")


def _viewer(actor: Actor, kind: ViewerKind, subject: Subject, purpose: str) -> Viewer:
    user, label = actor_user_and_label(actor)
    client = actor if isinstance(actor, ApiClient) else None
    organisation_id = client.organisation_id if client else getattr(actor, "organisation_id", None)
    return Viewer(
        kind=kind,
        label=label,
        user_id=user.pk if user else None,
        api_client_id=client.pk if client else None,
        organisation_id=organisation_id,
        subject_id=subject.pk if kind is ViewerKind.SUBJECT else None,
        purpose=purpose,
        basis="self" if kind is ViewerKind.SUBJECT else "staff",
    )


def record_self_query(
    *, actor: Actor, confirm_charge: bool = False, on: dt.date | None = None
) -> tuple[Subject, list[Disclosed]]:
    """The signed-in subject's full record, non-public items and history included.

    Where the pack makes queries paid (杏花岭 第十一条), a self-query beyond the year's free ones
    raises `ChargeNotConfirmed` until the subject confirms it (`confirm_charge`).
    """
    subject = own_subject(actor)
    if subject is None:
        raise PermissionDenied("只有经过身份核验的信息主体账号可以查询本人信用记录")
    viewer = _viewer(actor, ViewerKind.SUBJECT, subject, "查询本人信用记录")
    query_charge_assess(actor=actor, viewer=viewer, subject=subject, confirmed=confirm_charge, on=on)
    disclosed = records_disclosed(viewer=viewer, subject=subject, on=on)
    query_log_write(viewer=viewer, subject=subject, item_codes=[d.record.item_code for d in disclosed])
    return subject, disclosed


def record_staff_view(
    *,
    actor: Actor,
    subject: Subject,
    reason: StaffReason,
    include_withheld: bool = False,
    on: dt.date | None = None,
) -> list[Disclosed]:
    """A credit-centre staff member's view with explain, for a stated reason; logged like any other
    query, the reason as its purpose (西安 第三十八条, 元宝山 第二十七条: staff queries follow set
    permissions and procedures)."""
    if not is_staff_viewer(actor):
        raise PermissionDenied("仅信用中心工作人员可查看全部记录及判断依据")
    # An ID number typed into the reason is masked before it reaches the log.
    viewer = _viewer(actor, ViewerKind.OPERATOR, subject, audit_text(reason.purpose))
    disclosed = records_disclosed(viewer=viewer, subject=subject, on=on, include_withheld=include_withheld)
    query_log_write(viewer=viewer, subject=subject, item_codes=[d.record.item_code for d in disclosed])
    return disclosed
