"""Reads of self-declarations: a subject sees its own, the credit centre sees all, nobody else any.

Declarations carry proof documents and unreviewed claims, so they are never public; a subject's
account sees only its own subject's declarations, whatever role it also holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from pubcredit.accounts.actors import actor_may
from pubcredit.accounts.models import User
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.collection.models import Declaration, DeclarationAttachment, DeclarationStatus
from pubcredit.core.errors import NotFound
from pubcredit.core.roles import Role
from pubcredit.subjects.models import Subject


def user_reviews_declarations(user: Any) -> bool:
    """Operators of the credit centre (and superusers) review declarations."""
    return isinstance(user, User) and user.is_active and actor_may(user, Role.OPERATOR)


def user_declares_for(user: Any) -> int | None:
    """The subject a signed-in subject account may declare for, if any."""
    if isinstance(user, User) and user.is_active and user.subject_id is not None and user.has_role(Role.SUBJECT):
        return user.subject_id
    return None


def declarations_visible_to(user: Any) -> QuerySet[Declaration]:
    declarations = Declaration.objects.select_related("item", "subject", "submitted_by", "reviewed_by")
    if user_reviews_declarations(user):
        return declarations.all()
    subject_id = user_declares_for(user)
    if subject_id is not None:
        return declarations.filter(subject_id=subject_id)
    return declarations.none()


def declarations_pending_review(user: Any) -> QuerySet[Declaration]:
    """The review queue, oldest first; empty for anyone but the credit centre."""
    if not user_reviews_declarations(user):
        return Declaration.objects.none()
    return declarations_visible_to(user).filter(status=DeclarationStatus.SUBMITTED).order_by("submitted_at", "id")


def declaration_get(user: Any, pk: int) -> Declaration:
    """One declaration the user may see; NotFound otherwise, so that others' ids reveal nothing."""
    found = declarations_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"自主申报 {pk} 不存在或您无权查看", field="declaration")
    return found


def declaration_attachments(declaration: Declaration) -> QuerySet[DeclarationAttachment]:
    return declaration.attachments.order_by("id")


def declaration_attachment_get(user: Any, pk: int) -> DeclarationAttachment:
    """A proof file of a declaration the user may see (its subject's account or an operator)."""
    visible = declarations_visible_to(user).values("pk")
    found = DeclarationAttachment.objects.filter(pk=pk, declaration__in=visible).select_related("declaration").first()
    if found is None:
        raise NotFound(f"证明材料 {pk} 不存在或您无权查看", field="attachment")
    return found


def declarable_items(subject: Subject, *, on: dt.date | None = None) -> list[CatalogItem]:
    """Good-information items in force that apply to the subject's kind (南通 第十条)."""
    day = on or timezone.localdate()
    items = catalog_items_published(on=day).filter(kind="good", status=CatalogItem.Status.published)
    return [item for item in items if subject.kind in item.subject_kinds]
