"""Who may write a record: the department that produced it (谁产生、谁上传、谁负责, 西安 第十六条)."""

from __future__ import annotations

from typing import Any

from pubcredit.accounts.actors import Actor, actor_may, is_superuser
from pubcredit.core.errors import PermissionDenied
from pubcredit.core.roles import Role

RESPONSIBILITY_ARTICLE = "西安 第十六条"
CREDIT_CENTRE = "credit_centre"


def actor_organisation_id(actor: Actor) -> int | None:
    return getattr(actor, "organisation_id", None)


def _label(actor: Actor) -> str:
    return str(actor) if actor is not None else "匿名用户"


def require_may_submit(actor: Actor, provider: Any, *, self_declared: bool = False) -> None:
    """Staff of the provider (or its system with the `collect` scope) submit its records.

    A self-declared record (自主申报) is entered by the credit centre's staff after their review,
    in the centre's name. A superuser may load records for any provider (initial loads, demo
    data); it is audited.
    """
    if is_superuser(actor):
        return
    if actor_may(actor, Role.PROVIDER, scope="collect") and actor_organisation_id(actor) == provider.pk:
        return
    if (
        (self_declared or getattr(provider, "kind", "") == CREDIT_CENTRE)
        and actor_may(actor, Role.OPERATOR)
        and actor_organisation_id(actor) == provider.pk
    ):
        # Records the centre decides itself: approved self-declarations and the warning record
        # for a false one (南通 第二十三条) are entered by its operators in its own name.
        return
    raise PermissionDenied(
        f"“{_label(actor)}”不是信息提供单位“{provider}”的报送人员，不能以该单位名义报送信用记录"
        f"（谁产生、谁上传、谁负责，{RESPONSIBILITY_ARTICLE}）"
    )


def require_record_owner(actor: Actor, record: Any, *, doing: str, platform_error: str = "") -> None:
    """Only the providing department corrects or withdraws its own record.

    A self-declared record is provided by the credit centre after its review (自主申报, 南通 第十条),
    so the centre's operators own it: they withdraw it when the declaration is found false.
    `platform_error` names the objection in which the centre found the error its own (the record
    differs from what the provider sent, is past its period, or was processed wrongly): the centre
    then corrects it itself (西安 第二十九条, 南通 第十四条, 大连 第十六条).
    """
    if (
        platform_error
        and actor_may(actor, Role.OPERATOR)
        and getattr(getattr(actor, "organisation", None), "kind", "") == CREDIT_CENTRE
    ):
        return
    if actor_may(actor, Role.PROVIDER, scope="collect") and actor_organisation_id(actor) == record.provider_id:
        return
    if (
        getattr(record, "self_declared", False)
        and actor_may(actor, Role.OPERATOR)
        and actor_organisation_id(actor) == record.provider_id
    ):
        return
    raise PermissionDenied(
        f"“{_label(actor)}”不属于该记录的信息提供单位“{record.provider}”，不能{doing}该记录"
        f"（谁产生、谁上传、谁负责，{RESPONSIBILITY_ARTICLE}）"
    )
