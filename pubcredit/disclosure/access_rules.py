"""Pure checks of authorisations and sharing agreements: may this use go ahead on this day?

Each check returns None (allowed) or a `Refusal` naming the reason in Chinese and the article.
The services raise the refusal as `PermissionDenied` after writing it to the query log, so that a
refused use leaves the same trace as a granted one (大连 第十二条: use beyond the agreed purpose
and passing on to a third party without consent are forbidden; 元宝山 第三十二条: no query beyond
one's authority).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

ART_WRITTEN = "西安 第十九条；元宝山 第十八条；南通 第十一条"
ART_PURPOSE = "大连 第十二条"
ART_BEYOND_AUTHORITY = "元宝山 第三十二条"
ART_SHARING = "西安 第十七条、第二十条；元宝山 第十九条"

# Refusal codes, also written to the query log.
FORGED = "forged"
NOT_CHECKED = "not_checked"
REFUSED_BY_OPERATOR = "refused_by_operator"
REVOKED = "revoked"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
OTHER_REQUESTER = "other_requester"
BEYOND_PURPOSE = "beyond_purpose"
ITEMS_NOT_GRANTED = "items_not_granted"
PASSING_ON = "passing_on"
NOT_APPROVED = "not_approved"
ENDED = "ended"
OTHER_CONSUMER = "other_consumer"


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    message: str
    article: str

    @property
    def text(self) -> str:
        return f"{self.message}（{self.article}）"


@dataclass(frozen=True, slots=True)
class GrantFacts:
    """What the checks need of an authorisation or an agreement."""

    id: int
    kind: str  # "authorisation" or "agreement"
    subject_id: int | None  # None for an agreement (any subject)
    requester_organisation_id: int | None
    requester_user_id: int | None
    item_codes: frozenset[str]
    purpose: str
    valid_from: dt.date
    valid_until: dt.date
    state: str  # pending / active / refused / revoked; draft / approved / ended


@dataclass(frozen=True, slots=True)
class Use:
    """One intended use: who asks, about whom, for what, which items, and whom it goes to."""

    subject_id: int
    organisation_id: int | None
    user_id: int | None
    purpose: str
    items: frozenset[str] | None = None  # None: every granted item
    provide_to: str = ""  # a third party the answer would be passed on to


def same_purpose(granted: str, stated: str) -> bool:
    """Purposes compare as written, ignoring width, case and blanks: the subject agreed to words."""
    return normalise_purpose(granted) == normalise_purpose(stated)


def normalise_purpose(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def _requester_matches(grant: GrantFacts, use: Use) -> bool:
    if grant.requester_user_id is not None and use.user_id == grant.requester_user_id:
        return True
    return grant.requester_organisation_id is not None and use.organisation_id == grant.requester_organisation_id


def _passing_on(grant: GrantFacts, use: Use, what: str) -> Refusal | None:
    if use.provide_to.strip():
        return Refusal(
            PASSING_ON,
            f"{what} {grant.id} 不允许将查询结果提供给第三方“{use.provide_to.strip()[:50]}”："
            "未经信息主体同意不得向第三方提供",
            ART_PURPOSE,
        )
    return None


def _dates(grant: GrantFacts, on: dt.date, what: str) -> Refusal | None:
    if on < grant.valid_from:
        return Refusal(
            NOT_YET_VALID,
            f"{what} {grant.id} 自 {grant.valid_from.isoformat()} 起生效，{on.isoformat()} 尚未生效",
            ART_WRITTEN,
        )
    if on > grant.valid_until:
        return Refusal(
            EXPIRED,
            f"{what} {grant.id} 已于 {grant.valid_until.isoformat()} 到期，{on.isoformat()} 不能再使用",
            ART_WRITTEN,
        )
    return None


def _items(grant: GrantFacts, use: Use, what: str) -> Refusal | None:
    if use.items is None:
        return None
    extra = sorted(use.items - grant.item_codes)
    if extra:
        return Refusal(
            ITEMS_NOT_GRANTED,
            f"事项 {'、'.join(extra)} 不在{what} {grant.id} 的范围内"
            f"（范围：{'、'.join(sorted(grant.item_codes)) or '无'}）",
            ART_BEYOND_AUTHORITY,
        )
    return None


def check_authorisation(grant: GrantFacts, use: Use, on: dt.date) -> Refusal | None:
    """May `use` rely on the authorisation on `on`? The first failing condition is the reason.

    An authorisation of another subject is treated as forged: the id proves nothing about this
    subject. A written authorisation the credit centre has not accepted proves nothing either.
    """
    what = "授权"
    if grant.subject_id != use.subject_id:
        return Refusal(FORGED, f"授权 {grant.id} 不是该信息主体出具的授权，视为伪造授权", ART_WRITTEN)
    if grant.state == "pending":
        return Refusal(
            NOT_CHECKED, f"书面授权 {grant.id} 尚未经信用中心核验，不能作为合法有效的书面授权证明", ART_WRITTEN
        )
    if grant.state == "refused":
        return Refusal(REFUSED_BY_OPERATOR, f"书面授权 {grant.id} 经信用中心核验未通过，视为无效授权", ART_WRITTEN)
    if grant.state == "revoked":
        return Refusal(REVOKED, f"授权 {grant.id} 已被信息主体撤销", ART_WRITTEN)
    if not _requester_matches(grant, use):
        return Refusal(OTHER_REQUESTER, f"授权 {grant.id} 不是出具给查询方的，不能使用他人的授权", ART_WRITTEN)
    dates = _dates(grant, on, what)
    if dates is not None:
        return dates
    if not same_purpose(grant.purpose, use.purpose):
        return Refusal(
            BEYOND_PURPOSE,
            f"查询用途“{use.purpose.strip()[:50]}”与授权 {grant.id} 约定的用途不符，不得用作约定以外的用途",
            ART_PURPOSE,
        )
    return _items(grant, use, what) or _passing_on(grant, use, what)


def check_agreement(grant: GrantFacts, use: Use, on: dt.date) -> Refusal | None:
    """May a consumer's query rely on the sharing agreement on `on`?"""
    what = "共享协议"
    if grant.state == "draft":
        return Refusal(NOT_APPROVED, f"共享协议 {grant.id} 尚未批准，不能据此共享", ART_SHARING)
    if grant.state == "ended":
        return Refusal(ENDED, f"共享协议 {grant.id} 已终止，不能据此共享", ART_SHARING)
    if grant.requester_organisation_id is None or use.organisation_id != grant.requester_organisation_id:
        return Refusal(OTHER_CONSUMER, f"共享协议 {grant.id} 不是与查询单位签订的，不能使用", ART_SHARING)
    dates = _dates(grant, on, what)
    if dates is not None:
        return Refusal(dates.code, dates.message, ART_SHARING)
    if use.purpose.strip() and not same_purpose(grant.purpose, use.purpose):
        return Refusal(
            BEYOND_PURPOSE,
            f"共享用途“{use.purpose.strip()[:50]}”与共享协议 {grant.id} 约定的用途不符，不得用作约定以外的用途",
            ART_PURPOSE,
        )
    return _items(grant, use, what) or _passing_on(grant, use, what)


def granted_items(grant: GrantFacts, requested: Iterable[str] | None) -> frozenset[str]:
    """The items a permitted use sees: those requested (all by default), within the grant."""
    if requested is None:
        return grant.item_codes
    return grant.item_codes & frozenset(requested)
