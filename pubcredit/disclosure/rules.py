"""The disclosure decision: for one record, one viewer and one day, shown or withheld, and why.

This is the only place that decides who sees a record. Every way out (portal, public API,
self-query, authorised query, government sharing, operators' screens, reports) builds `RecordFacts`
and a `Viewer` and asks `decide`; selectors may prefilter in SQL only by conditions `decide`
would also apply. Every number and choice comes from the policy pack in force on the day asked
about, and each `Reason` names the pack key, its value, its article and the pack (`explain`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.records.rules import TIERS, PolicyReader, add_months
from pubcredit.records.rules import period_start as record_period_start

OPEN_PUBLIC = "public"
OPEN_RESTRICTED = "restricted"
OPEN_SHARING_ONLY = "sharing_only"

STATUS_ACTIVE = "active"
STATUS_ARCHIVED = "archived"
STATUS_PURGED = "purged"
STATUS_WITHDRAWN = "withdrawn"

#: Annotation texts shown with a record.
OBJECTION_OPEN = "异议处理中"
REPAIRED = "已信用修复"
HIDDEN_AT_REQUEST = "已按信息主体要求不予公开"
PERIOD_ENDED = "披露期限已届满"
ARCHIVED_NOTE = "已转为档案保存"
SUSPENDED_NOTE = "异议处理期间暂停公开"
NOT_PUBLIC_NOTE = "非公开信息"

#: Decision states.
DISCLOSED = "disclosed"
WITHHELD = "withheld"
RESTRICTED = "restricted"
EXPIRED = "expired"
ARCHIVED = "archived"
PURGED = "purged"
WITHDRAWN = "withdrawn"
SUSPENDED = "suspended"
REPAIRED_STATE = "repaired"
HIDDEN_BY_SUBJECT = "hidden_by_subject"
OUT_OF_SCOPE = "out_of_scope"

#: The states that mean "past its period or removed": never shown to the public.
GONE_STATES = frozenset({EXPIRED, ARCHIVED, PURGED, WITHDRAWN})


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the decision needs of one record, its catalogue item and what happened to it since."""

    record_id: int
    item_code: str
    openness: str
    info_class: str
    kind: str
    tier: str | None
    decided_on: dt.date
    end_date: dt.date | None
    status: str
    disclosure_ends_on: dt.date | None
    retention_ends_on: dt.date | None
    subject_kind: str
    subject_id: int
    provider_id: int
    version: int = 1
    open_objection: bool = False
    objection_overdue: bool = False  # the provider missed its verification deadline (objection.provider_overdue)
    repaired: bool = False
    hidden_by_subject: bool = False
    statements: tuple[str, ...] = ()  # active statements and notes to show with the record


@dataclass(frozen=True, slots=True)
class Reason:
    """One pack value (or record fact) that decided part of the outcome, with its article."""

    key: str
    value: object
    article: str
    pack: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "value": self.value, "article": self.article, "pack": self.pack, "text": self.text}


@dataclass(frozen=True, slots=True)
class Decision:
    shown: bool
    state: str
    annotations: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    history_visible: bool = False  # the subject and staff may see earlier versions

    @property
    def explain(self) -> list[dict[str, object]]:
        return [reason.as_dict() for reason in self.reasons]


HIDE_GOOD_KEY = "disclosure.subject_may_hide_good"
PERSON_INFO_PUBLIC_KEY = "disclosure.person_info_public"


def hiding_applies(policy: PolicyReader) -> bool:
    """The pack lets a subject withhold or delete its own good information (西安 第二十一条,
    元宝山 第二十八条), so hide requests count in the decision."""
    return policy.param(HIDE_GOOD_KEY).value in ("withhold", "delete")


def persons_public(policy: PolicyReader) -> bool:
    """Natural persons' information may be public (西安 第十七条 says it may not)."""
    return policy.param(PERSON_INFO_PUBLIC_KEY).value is not False


def _cite(policy: PolicyReader, key: str, text: str) -> Reason:
    param = policy.param(key)
    return Reason(key, param.value, param.article, param.pack, text)


def _fact(key: str, value: object, text: str) -> Reason:
    return Reason(key, value, "", "record", text)


def period_start(facts: RecordFacts, policy: PolicyReader) -> dt.date:
    """The day the period counts from under the pack (`disclosure.period_start`)."""
    return record_period_start(policy, facts.decided_on, facts.end_date)


def public_end(facts: RecordFacts, policy: PolicyReader) -> tuple[dt.date | None, Reason]:
    """The last day of public disclosure and the rule that set it.

    The stored `disclosure_ends_on` (None = long term) was computed under the pack in force on the
    decision date. Where the national tier maximum in force on the day asked about ends earlier,
    it prevails for public disclosure (ARCHITECTURE.md, "The regulation as data"); the stored
    value still governs retention and authorised queries.
    """
    stored = facts.disclosure_ends_on
    stored_reason = _fact(
        "record.disclosure_ends_on",
        stored.isoformat() if stored else None,
        (f"公开披露至 {stored.isoformat()}" if stored else "长期披露") + "（归集时按目录和政策包计算）",
    )
    if facts.kind != "bad" or facts.tier not in TIERS:
        return stored, stored_reason
    key = f"disclosure.tier_max_months.{facts.tier}"
    cap_months = policy.param(key).value
    if not isinstance(cap_months, int) or isinstance(cap_months, bool):
        return stored, stored_reason
    cap = add_months(period_start(facts, policy), cap_months)
    if stored is not None and stored <= cap:
        return stored, stored_reason
    label = TIERS[facts.tier]
    longer = f"地方期限至 {stored.isoformat()}" if stored else "地方规定长期披露"
    return cap, _cite(
        policy,
        key,
        f"{label}失信信息公示期限最长{cap_months}个月，至 {cap.isoformat()}；{longer}，"
        "对外公开以全国规定为准，地方期限用于档案保存和授权查询",
    )


def retention_end(facts: RecordFacts) -> dt.date | None:
    """The last day a record may be used for the subject, authorised and sharing queries (None = long term)."""
    if facts.disclosure_ends_on is None:
        return None
    if facts.retention_ends_on is None:
        return facts.disclosure_ends_on
    return max(facts.retention_ends_on, facts.disclosure_ends_on)


def query_end(facts: RecordFacts, policy: PolicyReader) -> tuple[dt.date | None, Reason]:
    """The last day an authorised or sharing query may see the record, and the rule that set it.

    The stored retention end, and for a person's record no later than
    `disclosure.person_purge_after_years` from the period start (西安 第二十二条: 个人信用信息查询期限
    一般为五年).
    """
    end = retention_end(facts)
    reason = _fact(
        "record.retention_ends_on",
        end.isoformat() if end else None,
        f"保存和授权查询至 {end.isoformat()}" if end else "长期保存",
    )
    years = policy.param("disclosure.person_purge_after_years").value if facts.subject_kind == "person" else None
    if isinstance(years, int) and not isinstance(years, bool):
        limit = add_months(period_start(facts, policy), 12 * years)
        if end is None or limit < end:
            text = f"自然人信用信息查询期限为{years}年，至 {limit.isoformat()}"
            return limit, _cite(policy, "disclosure.person_purge_after_years", text)
    return end, reason


def _status_gone(facts: RecordFacts, policy: PolicyReader) -> Decision | None:
    if facts.status == STATUS_PURGED:
        key = "disclosure.after_period_person" if facts.subject_kind == "person" else "disclosure.after_period_org"
        return Decision(False, PURGED, (), (_cite(policy, key, "记录已删除，只保留删除原因和依据"),))
    if facts.status == STATUS_WITHDRAWN:
        return Decision(False, WITHDRAWN, (), (_fact("record.status", facts.status, "信息提供单位已撤回该记录"),))
    return None


def _holds(facts: RecordFacts, policy: PolicyReader) -> tuple[str | None, list[str], list[Reason]]:
    """Objections, repairs and hide requests: a withholding state (or None), annotations, reasons."""
    annotations: list[str] = list(facts.statements)
    reasons: list[Reason] = []
    state: str | None = None
    if facts.hidden_by_subject and facts.kind == "good" and hiding_applies(policy):
        state = HIDDEN_BY_SUBJECT
        reasons.append(_cite(policy, HIDE_GOOD_KEY, "信息主体要求不披露其良好信息"))
    if facts.repaired and facts.kind == "bad":
        effect = policy.param("repair.after_repair").value
        if effect == "withhold":
            state = state or REPAIRED_STATE
            reasons.append(_cite(policy, "repair.after_repair", "已信用修复，原失信信息不再披露"))
        elif effect == "annotate":
            annotations.append(REPAIRED)
            reasons.append(_cite(policy, "repair.after_repair", "已信用修复，在不良信息中予以标注"))
        else:
            reasons.append(_cite(policy, "repair.after_repair", "已信用修复，在数据库内注明（不对外标注）"))
    if facts.objection_overdue:
        state = state or SUSPENDED
        text = "信息提供单位逾期未核查异议，平台暂停提供该记录查询"
        reasons.append(_cite(policy, "objection.provider_overdue", text))
    if facts.open_objection:
        effect = policy.param("objection.effect_while_open").value
        if effect == "suspend":
            state = state or SUSPENDED
            reasons.append(_cite(policy, "objection.effect_while_open", "异议处理期间暂停披露"))
        else:
            annotations.append(OBJECTION_OPEN)
            reasons.append(_cite(policy, "objection.effect_while_open", "异议处理期间标注并继续披露"))
    return state, annotations, reasons


def _public(facts: RecordFacts, on: dt.date, policy: PolicyReader) -> Decision:
    if facts.openness != OPEN_PUBLIC:
        label = "仅政务共享信息" if facts.openness == OPEN_SHARING_ONLY else "非公开信息"
        reason = _fact("catalog.openness", facts.openness, f"目录项 {facts.item_code} 为{label}，不对社会公开")
        return Decision(False, RESTRICTED, (), (reason,))
    if facts.subject_kind == "person" and not persons_public(policy):
        reason = _cite(policy, PERSON_INFO_PUBLIC_KEY, "自然人的信用信息属非公开信息")
        return Decision(False, RESTRICTED, (), (reason,))
    if facts.status == STATUS_ARCHIVED:
        key = "disclosure.after_period_person" if facts.subject_kind == "person" else "disclosure.after_period_org"
        reason = _cite(policy, key, "披露期限届满，已转为档案保存，不再披露")
        return Decision(False, ARCHIVED, (), (reason,))
    if facts.status != STATUS_ACTIVE:
        return Decision(False, WITHHELD, (), (_fact("record.status", facts.status, "记录状态不允许公开"),))
    end, end_reason = public_end(facts, policy)
    if end is not None and on > end:
        return Decision(False, EXPIRED, (), (end_reason,))
    state, annotations, reasons = _holds(facts, policy)
    reasons.insert(0, end_reason)
    if state is not None:
        return Decision(False, state, (), tuple(reasons))
    return Decision(True, DISCLOSED, tuple(annotations), tuple(reasons))


def _own_view(facts: RecordFacts, on: dt.date, policy: PolicyReader, *, who: str) -> Decision:
    """The subject's or the provider's view: everything kept, with what the public sees annotated."""
    public = _public(facts, on, policy)
    _, annotations, hold_reasons = _holds(facts, policy)
    notes = list(annotations)
    if not public.shown:
        notes.append(
            {
                RESTRICTED: NOT_PUBLIC_NOTE,
                ARCHIVED: ARCHIVED_NOTE,
                EXPIRED: PERIOD_ENDED,
                SUSPENDED: SUSPENDED_NOTE,
                REPAIRED_STATE: f"{REPAIRED}，不再公开",
                HIDDEN_BY_SUBJECT: HIDDEN_AT_REQUEST,
            }.get(public.state, "不对社会公开")
        )
    if facts.repaired and facts.kind == "bad" and not any(note.startswith(REPAIRED) for note in notes):
        notes.append(REPAIRED)  # a repair noted only in the database (南通 第十七条) is still shown here
    reasons = [_fact("viewer.kind", who, _OWN_TEXT[who]), *public.reasons]
    reasons.extend(reason for reason in hold_reasons if reason not in reasons)
    state = DISCLOSED if public.shown else public.state
    return Decision(True, state, tuple(dict.fromkeys(notes)), tuple(reasons), history_visible=True)


_OWN_TEXT = {
    "subject": "信息主体查询本人信用记录，可查看全部保存中的信息（含非公开信息）",
    "provider": "信息提供单位查看本单位报送的记录",
    "operator": "信用中心工作人员可查看全部保存中的信息，附对外公开的判断依据",
}


def _granted(facts: RecordFacts, viewer: Viewer, on: dt.date, policy: PolicyReader) -> Decision:
    """Authorised and sharing queries: only the granted items, within retention, holds applied."""
    items = viewer.items or frozenset()
    if facts.item_code not in items:
        what = "授权" if viewer.kind is ViewerKind.AUTHORISED else "共享协议"
        reason = _fact("viewer.items", sorted(items), f"目录项 {facts.item_code} 不在{what}范围内")
        return Decision(False, OUT_OF_SCOPE, (), (reason,))
    if facts.openness == OPEN_SHARING_ONLY and viewer.kind is not ViewerKind.SHARING:
        reason = _fact("catalog.openness", facts.openness, f"目录项 {facts.item_code} 仅用于政务共享")
        return Decision(False, RESTRICTED, (), (reason,))
    end, end_reason = query_end(facts, policy)
    if end is not None and on > end:
        return Decision(False, EXPIRED, (), (end_reason,))
    state, annotations, reasons = _holds(facts, policy)
    reasons.insert(0, end_reason)
    stops_sharing = policy.param("repair.stops_sharing").value is True
    if state is None and viewer.kind is ViewerKind.SHARING and facts.repaired and facts.kind == "bad" and stops_sharing:
        state = REPAIRED_STATE
        reasons.append(_cite(policy, "repair.stops_sharing", "已信用修复，停止政务共享"))
    if state is not None:
        return Decision(False, state, (), tuple(reasons))
    if facts.status == STATUS_ARCHIVED:
        annotations.append(ARCHIVED_NOTE)
    return Decision(True, DISCLOSED, tuple(annotations), tuple(reasons))


def decide(facts: RecordFacts, viewer: Viewer, on: dt.date, policy: PolicyReader) -> Decision:
    """Shown or withheld, with annotations and reasons, for `viewer` on `on` under `policy`.

    `policy` must be the policy in force on `on` (get_policy(on=on)): the question is what may be
    disclosed that day, so the rules of that day apply (e.g. the national tier caps from 2026-04-01).
    """
    gone = _status_gone(facts, policy)
    if gone is not None:
        return gone
    kind = viewer.kind
    if kind is ViewerKind.PUBLIC:
        return _public(facts, on, policy)
    if kind is ViewerKind.SUBJECT:
        if viewer.subject_id != facts.subject_id:
            return Decision(False, OUT_OF_SCOPE, (), (_fact("viewer.subject_id", viewer.subject_id, "不是本人的记录"),))
        return _own_view(facts, on, policy, who="subject")
    if kind is ViewerKind.PROVIDER:
        if viewer.organisation_id != facts.provider_id:
            reason = _fact("viewer.organisation_id", viewer.organisation_id, "不是本单位报送的记录")
            return Decision(False, OUT_OF_SCOPE, (), (reason,))
        return _own_view(facts, on, policy, who="provider")
    if kind is ViewerKind.OPERATOR:
        return _own_view(facts, on, policy, who="operator")
    return _granted(facts, viewer, on, policy)
