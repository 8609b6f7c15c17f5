"""Properties of the eligibility under every pack: the date it gives is the first eligible day."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from pubcredit.policy import get_policy
from pubcredit.repairs.rules import RepairFacts, repair_eligibility

PACKS = ("national", "xian", "nantong", "yuanbaoshan", "dalian", "shaoshan")
days = st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date(2027, 12, 31))


@st.composite
def facts(draw: st.DrawFn) -> RepairFacts:
    decided = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 6, 30)))
    end = draw(st.none() | st.dates(min_value=decided, max_value=decided + dt.timedelta(days=400)))
    return RepairFacts(
        record_id=1,
        item_code="CF",
        kind="bad",
        status="active",
        tier=draw(st.none() | st.sampled_from(["minor", "general", "severe"])),
        decided_on=decided,
        end_date=end,
        intentional=draw(st.sampled_from([None, False, True])),
        proof_count=draw(st.integers(0, 2)),
        commitment_signed=draw(st.booleans()),
        on_severe_list=draw(st.booleans()),
    )


@settings(max_examples=500, deadline=None)
@given(record=facts(), on=days, pack=st.sampled_from(PACKS))
def test_the_date_given_is_the_first_eligible_day_once_documents_are_complete(record, on, pack):
    result = repair_eligibility(record, on, get_policy(on=on, pack=pack))
    assert result.eligible == (not result.reasons)
    if result.eligible:
        assert result.eligible_from is None
        return
    if result.eligible_from is None:
        return  # an excluded case: nothing makes it eligible
    assert result.eligible_from >= on
    complete = RepairFacts(
        **{
            **{name: getattr(record, name) for name in RepairFacts.__slots__},
            "proof_count": 1,
            "commitment_signed": True,
            "intentional": False if record.intentional is None else record.intentional,
        }
    )
    when = result.eligible_from
    policy = get_policy(on=when, pack=pack)
    assert repair_eligibility(complete, when, policy).eligible
    if when > on:
        before = when - dt.timedelta(days=1)
        assert not repair_eligibility(complete, before, get_policy(on=before, pack=pack)).eligible
