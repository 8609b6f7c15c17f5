"""Whether a query is charged (收费查询), where a pack makes queries paid (杏花岭 第十一条).

Queries are free unless the pack in force says otherwise (`query.paid`; 大连 第十条 says so in
so many words). Where they are paid, a subject still has `query.free_self_queries_per_year` free
looks at its own record each calendar year, and organisations of the kinds in
`query.fee_exempt_kinds` (行政机关、公用事业单位、金融机构、行业组织 in 杏花岭) never pay. Public
information on the portal is never charged: it is published, not queried.
"""

from __future__ import annotations

from dataclasses import dataclass

from pubcredit.disclosure.viewers import ViewerKind
from pubcredit.records.rules import PolicyReader

PAID_KEY = "query.paid"
FREE_SELF_KEY = "query.free_self_queries_per_year"
EXEMPT_KEY = "query.fee_exempt_kinds"

#: Viewers inside government whose looks are part of their duties, never charged.
_OFFICIAL = frozenset({ViewerKind.OPERATOR, ViewerKind.PROVIDER, ViewerKind.SHARING})


@dataclass(frozen=True)
class ChargeDecision:
    charged: bool
    reason: str  # Chinese, shown to the viewer and kept with the charge
    key: str  # the pack key that decided
    article: str


def query_charge(
    policy: PolicyReader,
    *,
    viewer_kind: ViewerKind,
    organisation_kind: str | None,
    free_self_queries_used: int,
) -> ChargeDecision:
    """Decide one query; `free_self_queries_used` counts the subject's free self-queries this year."""
    paid = policy.param(PAID_KEY)
    if not paid.value:
        return ChargeDecision(False, "查询不收费", PAID_KEY, paid.article)
    if viewer_kind is ViewerKind.PUBLIC:
        return ChargeDecision(False, "公开信息免费查询", PAID_KEY, paid.article)
    if viewer_kind in _OFFICIAL:
        return ChargeDecision(False, "履行职责的查询不收费", PAID_KEY, paid.article)
    if viewer_kind is ViewerKind.SUBJECT:
        free = policy.param(FREE_SELF_KEY)
        allowed = free.value if isinstance(free.value, int) else 0
        if free_self_queries_used < allowed:
            return ChargeDecision(
                False,
                f"本年度第 {free_self_queries_used + 1} 次本人查询，免费（每年 {allowed} 次）",
                FREE_SELF_KEY,
                free.article,
            )
        return ChargeDecision(True, f"本年度 {allowed} 次免费本人查询已用完，本次查询收费", FREE_SELF_KEY, free.article)
    exempt = policy.param(EXEMPT_KEY)
    kinds = exempt.value if isinstance(exempt.value, list | tuple) else ()
    if organisation_kind is not None and organisation_kind in kinds:
        return ChargeDecision(False, "查询单位属免收费单位", EXEMPT_KEY, exempt.article)
    return ChargeDecision(True, "查询单位不属免收费单位，本次查询收费", PAID_KEY, paid.article)
