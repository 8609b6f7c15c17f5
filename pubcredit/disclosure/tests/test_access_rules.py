"""The pure checks of authorisations and sharing agreements (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcredit.disclosure import access_rules
from pubcredit.disclosure.access_rules import GrantFacts, Use, check_agreement, check_authorisation, granted_items

GRANT = GrantFacts(
    id=7,
    kind="authorisation",
    subject_id=1,
    requester_organisation_id=10,
    requester_user_id=None,
    item_codes=frozenset({"CF", "XK"}),
    purpose="贷款审批",
    valid_from=dt.date(2026, 1, 1),
    valid_until=dt.date(2026, 6, 30),
    state="active",
)
USE = Use(subject_id=1, organisation_id=10, user_id=None, purpose="贷款审批")
AGREEMENT = replace(GRANT, kind="agreement", subject_id=None, purpose="行政许可审查")
SHARE = Use(subject_id=0, organisation_id=10, user_id=None, purpose="")


def code(grant: GrantFacts, use: Use, on: dt.date) -> str | None:
    refusal = check_authorisation(grant, use, on)
    return refusal.code if refusal else None


def test_a_valid_authorisation_is_usable_from_first_to_last_day() -> None:
    assert code(GRANT, USE, dt.date(2026, 1, 1)) is None
    assert code(GRANT, USE, dt.date(2026, 6, 30)) is None


def test_the_day_after_the_last_day_is_refused_as_expired() -> None:
    refusal = check_authorisation(GRANT, USE, dt.date(2026, 7, 1))
    assert refusal is not None and refusal.code == access_rules.EXPIRED
    assert "2026-06-30" in refusal.message and "到期" in refusal.message


def test_the_day_before_the_first_day_is_refused_as_not_yet_valid() -> None:
    assert code(GRANT, USE, dt.date(2025, 12, 31)) == access_rules.NOT_YET_VALID


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("revoked", access_rules.REVOKED),
        ("pending", access_rules.NOT_CHECKED),
        ("refused", access_rules.REFUSED_BY_OPERATOR),
    ],
)
def test_states_that_cannot_be_used(state: str, expected: str) -> None:
    assert code(replace(GRANT, state=state), USE, dt.date(2026, 3, 1)) == expected


def test_an_authorisation_of_another_subject_counts_as_forged() -> None:
    refusal = check_authorisation(GRANT, replace(USE, subject_id=2), dt.date(2026, 3, 1))
    assert refusal is not None and refusal.code == access_rules.FORGED and "伪造" in refusal.message


def test_another_requester_cannot_use_it() -> None:
    assert code(GRANT, replace(USE, organisation_id=11), dt.date(2026, 3, 1)) == access_rules.OTHER_REQUESTER


def test_a_personal_authorisation_is_used_by_that_user_only() -> None:
    personal = replace(GRANT, requester_organisation_id=None, requester_user_id=5)
    assert code(personal, replace(USE, organisation_id=None, user_id=5), dt.date(2026, 3, 1)) is None
    assert code(personal, replace(USE, organisation_id=10, user_id=6), dt.date(2026, 3, 1)) == (
        access_rules.OTHER_REQUESTER
    )


def test_use_beyond_purpose_is_refused_citing_dalian_article_12() -> None:
    refusal = check_authorisation(GRANT, replace(USE, purpose="招聘背景调查"), dt.date(2026, 3, 1))
    assert refusal is not None
    assert refusal.code == access_rules.BEYOND_PURPOSE
    assert refusal.article == "大连 第十二条"
    assert "招聘背景调查" in refusal.text


def test_purpose_compares_without_blanks_and_width() -> None:
    assert code(GRANT, replace(USE, purpose=" 贷款 审批 "), dt.date(2026, 3, 1)) is None


def test_items_not_granted_are_refused_by_code() -> None:
    refusal = check_authorisation(GRANT, replace(USE, items=frozenset({"CF", "SX"})), dt.date(2026, 3, 1))
    assert refusal is not None and refusal.code == access_rules.ITEMS_NOT_GRANTED and "SX" in refusal.message
    assert code(GRANT, replace(USE, items=frozenset({"CF"})), dt.date(2026, 3, 1)) is None


def test_passing_on_to_a_third_party_is_refused() -> None:
    refusal = check_authorisation(GRANT, replace(USE, provide_to="某担保公司"), dt.date(2026, 3, 1))
    assert refusal is not None and refusal.code == access_rules.PASSING_ON and "第三方" in refusal.message


def test_granted_items_are_the_requested_ones_within_the_grant() -> None:
    assert granted_items(GRANT, None) == {"CF", "XK"}
    assert granted_items(GRANT, ["CF", "SX"]) == {"CF"}


def test_agreement_states_dates_and_consumer() -> None:
    on = dt.date(2026, 3, 1)
    assert check_agreement(AGREEMENT, SHARE, on) is None
    assert check_agreement(AGREEMENT, SHARE, dt.date(2026, 6, 30)) is None
    cases = {
        access_rules.NOT_APPROVED: (replace(AGREEMENT, state="draft"), SHARE, on),
        access_rules.ENDED: (replace(AGREEMENT, state="ended"), SHARE, on),
        access_rules.EXPIRED: (AGREEMENT, SHARE, dt.date(2026, 7, 1)),
        access_rules.OTHER_CONSUMER: (AGREEMENT, replace(SHARE, organisation_id=99), on),
        access_rules.BEYOND_PURPOSE: (AGREEMENT, replace(SHARE, purpose="招商引资"), on),
        access_rules.PASSING_ON: (AGREEMENT, replace(SHARE, provide_to="某公司"), on),
    }
    for expected, (grant, use, day) in cases.items():
        refusal = check_agreement(grant, use, day)
        assert refusal is not None and refusal.code == expected, expected
        assert refusal.article


@given(
    offset=st.integers(min_value=-400, max_value=400),
    state=st.sampled_from(["active", "pending", "refused", "revoked"]),
    purpose=st.sampled_from(["贷款审批", "招聘", ""]),
)
def test_a_use_is_allowed_only_when_every_condition_holds(offset: int, state: str, purpose: str) -> None:
    on = dt.date(2026, 3, 1) + dt.timedelta(days=offset)
    grant = replace(GRANT, state=state)
    allowed = check_authorisation(grant, replace(USE, purpose=purpose), on) is None
    expected = state == "active" and GRANT.valid_from <= on <= GRANT.valid_until and purpose == "贷款审批"
    assert allowed == expected
