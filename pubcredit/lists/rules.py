"""The regulation of lists as pure functions: when an entry ends, who may act on it, what the
portal publishes.

Every list has an exit mechanism (韶山 第十三条, 元宝山方案 五（五）): an entry ends at the end of
its term, on repair (元宝山方案 五（七）: 在规定期限内纠正失信行为、消除不良影响的，不再作为联合惩戒对象),
on a successful objection (方案 五（八）: 经核实有误的信息应及时更正或撤销), or when the issuing
department withdraws its decision. A wrong listing is voided and the subject's reputation
restored (韶山 第十五条, 方案 五（八）).
"""

from __future__ import annotations

import datetime as dt

from pubcredit.lists.models import EntryState, ExitReason, ListKind
from pubcredit.records.rules import PolicyReader, add_months

#: Policy key of the list kinds the portal publishes (韶山 第十三条; 元宝山方案 五（五）).
PUBLISHED_KINDS_KEY = "lists.published_kinds"

#: Lists that sanction (a repair notice must go with the decision: 两书同达).
SANCTIONING_KINDS = frozenset({ListKind.BLACK, ListKind.WATCH})

#: How an entry may leave a list by a department's or the centre's hand (the term end is the sweep's).
MANUAL_EXITS = frozenset({ExitReason.REPAIR, ExitReason.OBJECTION, ExitReason.WITHDRAWAL})


def term_end(starts_on: dt.date, term_months: int | None) -> dt.date | None:
    """The last day an entry is in force: the day before the same date `term_months` later.

    None when the list type has no term (the entry stays until it exits another way)."""
    if term_months is None:
        return None
    return add_months(starts_on, term_months) - dt.timedelta(days=1)


def in_force_on(*, state: str, starts_on: dt.date, ends_on: dt.date | None, on: dt.date) -> bool:
    """Whether an entry counts on `on`. An entry past its end that the sweep has not reached yet
    no longer counts: the stored end decides, the sweep only records it."""
    if state != EntryState.IN_FORCE or starts_on > on:
        return False
    return ends_on is None or ends_on >= on


def published_kinds(policy: PolicyReader) -> frozenset[str]:
    value = policy.param(PUBLISHED_KINDS_KEY).value
    return frozenset(value if isinstance(value, list) else ())


def needs_repair_notice(kind: str) -> bool:
    """A sanctioning decision carries a repair notice (两书同达: 认定决定书与信用修复告知书同时送达)."""
    return kind in SANCTIONING_KINDS
