"""Assessing a query's charge before records are shown (收费查询, 杏花岭 第十一条).

Called by every way a subject, a requester or a department looks at non-public information,
before the look: a charged query is only answered once the viewer has confirmed it, and the
confirmation and the free self-queries are written in the same transaction as the count that
decided them, so two looks at once cannot both take the year's last free one.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import Actor, audit_identity
from pubcredit.accounts.models import Organisation
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import ValidationFailed
from pubcredit.disclosure.charge_rules import PAID_KEY, ChargeDecision, query_charge
from pubcredit.disclosure.models.charges import QueryCharge
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import get_policy
from pubcredit.subjects.models import Subject


class ChargeNotConfirmed(ValidationFailed):
    """The query would be charged and the viewer has not said yes to that."""

    code = "charge_not_confirmed"


def _organisation_kind(viewer: Viewer) -> str | None:
    if viewer.organisation_id is None:
        return None
    return Organisation.objects.filter(pk=viewer.organisation_id).values_list("kind", flat=True).first()


@transaction.atomic
def query_charge_assess(
    *, actor: Actor, viewer: Viewer, subject: Subject, confirmed: bool = False, on: dt.date | None = None
) -> ChargeDecision:
    """Decide and, where queries are paid, record the charge of one query; refuse it unconfirmed."""
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    if not policy.value(PAID_KEY) or viewer.kind is ViewerKind.PUBLIC:
        return query_charge(policy, viewer_kind=viewer.kind, organisation_kind=None, free_self_queries_used=0)
    used = 0
    if viewer.kind is ViewerKind.SUBJECT:
        Subject.objects.select_for_update().filter(pk=subject.pk).exists()  # one free-quota count at a time
        used = QueryCharge.objects.filter(
            subject=subject, year=day.year, viewer_kind=ViewerKind.SUBJECT, charged=False
        ).count()
    decision = query_charge(
        policy, viewer_kind=viewer.kind, organisation_kind=_organisation_kind(viewer), free_self_queries_used=used
    )
    if decision.charged and not confirmed:
        raise ChargeNotConfirmed(f"{decision.reason}（{decision.article}），请确认收费后再查询", field="confirm_charge")
    charge = QueryCharge.objects.create(
        year=day.year,
        subject=subject,
        viewer_kind=viewer.kind,
        viewer_label=viewer.label,
        user_id=viewer.user_id,
        organisation_id=viewer.organisation_id,
        charged=decision.charged,
        reason=decision.reason,
        policy_key=decision.key,
        article=decision.article,
    )
    if decision.charged:
        user, client = audit_identity(actor)
        audit_record(
            actor=user,
            action="disclosure.query_charged",
            target=charge,
            data={"viewer_kind": str(viewer.kind), "key": decision.key, "article": decision.article, **client},
        )
    return decision
