"""Who takes part in authorised queries and sharing, shared by both services.

The subject's account grants, the requester or consumer asks (a staff user of an organisation,
a person's account, or an organisation's API client), the credit centre checks and approves.
A refused use is written to the query log before it is raised, so a refusal leaves a trace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pubcredit.accounts.actors import Actor, actor_may
from pubcredit.accounts.models import ApiClient, OrganisationKind, User
from pubcredit.catalog.selectors import catalog_items_published
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.disclosure.access_rules import Refusal
from pubcredit.disclosure.models.query_log import QueryOutcome
from pubcredit.disclosure.services.query_log import query_log_write
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.subjects.models import Subject
from pubcredit.subjects.selectors import subject_find_by_id_number, subject_find_by_uscc

MAX_PURPOSE = 200
MAX_ITEMS = 100


def actor_label(actor: Actor) -> str:
    """A readable name for logs and rows; never an ID number (usernames may look like one)."""
    if isinstance(actor, ApiClient):
        return f"{actor.organisation.name}（接口 {actor.name}）"
    if isinstance(actor, User) and actor.is_authenticated:
        name = actor.display_name or actor.username
        if actor.organisation_id is not None and actor.organisation is not None:
            return f"{actor.organisation.name} {name}"
        return name
    return "匿名用户"


def asking_party(actor: Actor, *, scope: str, doing: str) -> tuple[int | None, int | None, int | None]:
    """(organisation_id, user_id, api_client_id) of a signed-in user or an active client holding `scope`."""
    if isinstance(actor, ApiClient):
        if not actor.active or not actor.has_scope(scope):
            raise PermissionDenied(f"接口客户端“{actor.name}”没有 {scope} 授权范围，不能{doing}")
        return actor.organisation_id, None, actor.pk
    if isinstance(actor, User) and actor.is_active and actor.is_authenticated:
        return actor.organisation_id, actor.pk, None
    raise PermissionDenied(f"请先登录或使用接口令牌后再{doing}", code="unauthenticated")


def require_operator(actor: Actor, *, doing: str) -> User:
    """A signed-in member of the credit centre holding the operator role: checks are personal acts."""
    if (
        isinstance(actor, User)
        and actor.is_active
        and actor_may(actor, Role.OPERATOR)
        and actor.organisation is not None
        and actor.organisation.kind == OrganisationKind.CREDIT_CENTRE
    ):
        return actor
    raise PermissionDenied(f"“{actor_label(actor)}”不是信用中心的工作人员，不能{doing}")


def require_subject_account(actor: Actor, *, doing: str) -> tuple[User, Subject]:
    if (
        not isinstance(actor, User)
        or not actor.is_active
        or actor.subject_id is None
        or not actor.has_role(Role.SUBJECT)
    ):
        raise PermissionDenied(f"“{actor_label(actor)}”不是信用主体的账号，不能{doing}")
    return actor, Subject.objects.get(pk=actor.subject_id)


def clean_purpose(purpose: str) -> str:
    text = " ".join((purpose or "").split())
    if not text:
        raise ValidationFailed("请填写查询用途", field="purpose")
    if len(text) > MAX_PURPOSE:
        raise ValidationFailed(f"用途长度 {len(text)} 超过上限 {MAX_PURPOSE} 个字符", field="purpose")
    return text


def clean_item_codes(codes: Iterable[str], *, on: dt.date, field: str = "item_codes") -> list[str]:
    """Distinct codes of catalogue items in force on `on`, refusing unknown ones by name."""
    wanted = sorted({str(code).strip().upper() for code in codes if str(code).strip()})
    if not wanted:
        raise ValidationFailed("请至少选择一个信息事项", field=field)
    if len(wanted) > MAX_ITEMS:
        raise ValidationFailed(f"信息事项最多 {MAX_ITEMS} 个，收到 {len(wanted)} 个", field=field)
    known = set(catalog_items_published(on=on).filter(code__in=wanted).values_list("code", flat=True))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ValidationFailed(f"目录项 {'、'.join(unknown)} 不存在或在 {on.isoformat()} 未生效", field=field)
    return wanted


def clean_dates(valid_from: dt.date, valid_until: dt.date, *, today: dt.date) -> None:
    if valid_until < valid_from:
        raise ValidationFailed(
            f"截止日期 {valid_until.isoformat()} 早于生效日期 {valid_from.isoformat()}", field="valid_until"
        )
    if valid_until < today:
        raise ValidationFailed(f"截止日期 {valid_until.isoformat()} 早于今天 {today.isoformat()}", field="valid_until")


def find_subject(*, uscc: str | None, id_number: str | None) -> Subject | None:
    """The subject named by exactly one identifier; the ID number comes from a body, never a URL."""
    if bool(uscc) == bool(id_number):
        raise ValidationFailed("请提供统一社会信用代码或身份证号码之一", field="uscc")
    if uscc:
        return subject_find_by_uscc(uscc)
    return subject_find_by_id_number(id_number or "")


def viewer_for(
    *,
    kind: ViewerKind,
    actor: Actor,
    party: tuple[int | None, int | None, int | None],
    items: frozenset[str],
    purpose: str,
    basis: str,
) -> Viewer:
    organisation_id, user_id, api_client_id = party
    return Viewer(
        kind=kind,
        label=actor_label(actor)[:150],
        user_id=user_id,
        api_client_id=api_client_id,
        organisation_id=organisation_id,
        items=items,
        purpose=purpose,
        basis=basis,
    )


def refuse(viewer: Viewer, subject: Subject, refusal: Refusal, items: Iterable[str]) -> PermissionDenied:
    """Write the refused use to the query log (its own transaction) and return the error to raise."""
    query_log_write(
        viewer=viewer,
        subject=subject,
        item_codes=items,
        outcome=QueryOutcome.REFUSED,
        reason=f"{refusal.code}：{refusal.text}",
    )
    return PermissionDenied(refusal.text, code=refusal.code)
