"""Reads of batches: a provider sees its own, the credit centre and auditors see all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pubcredit.accounts.actors import actor_may
from pubcredit.collection.models import Batch
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role


def batches_visible_to(actor: Any) -> QuerySet[Batch]:
    batches = Batch.objects.select_related("provider", "item").order_by("-received_at", "-id")
    if actor_may(actor, Role.OPERATOR, Role.AUDITOR, Role.AUTHORITY):
        return batches
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is not None and actor_may(actor, Role.PROVIDER, scope="collect"):
        return batches.filter(provider_id=organisation_id)
    return batches.none()


def batch_get_visible(actor: Any, batch_id: int) -> Batch:
    batch = batches_visible_to(actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(f"报送批次“{batch_id}”不存在或无权查看")
    return batch
