"""The term end and the in-force test of list entries."""

from __future__ import annotations

import datetime as dt

from pubcredit.lists.rules import in_force_on, needs_repair_notice, published_kinds, term_end
from pubcredit.policy import get_policy

D = dt.date


def test_term_end_is_the_day_before_the_same_date_months_later() -> None:
    assert term_end(D(2026, 1, 31), 1) == D(2026, 2, 27)  # 2026-02-28 is the month-later date, minus a day
    assert term_end(D(2024, 2, 29), 12) == D(2025, 2, 27)
    assert term_end(D(2026, 11, 20), 36) == D(2029, 11, 19)
    assert term_end(D(2026, 11, 20), None) is None


def test_in_force_counts_from_the_start_to_the_last_day() -> None:
    kwargs = {"state": "in_force", "starts_on": D(2026, 1, 10), "ends_on": D(2026, 3, 1)}
    assert not in_force_on(on=D(2026, 1, 9), **kwargs)  # type: ignore[arg-type]
    assert in_force_on(on=D(2026, 1, 10), **kwargs)  # type: ignore[arg-type]
    assert in_force_on(on=D(2026, 3, 1), **kwargs)  # type: ignore[arg-type]
    assert not in_force_on(on=D(2026, 3, 2), **kwargs)  # type: ignore[arg-type]
    assert not in_force_on(state="ended", starts_on=D(2026, 1, 10), ends_on=None, on=D(2026, 2, 1))


def test_sanctioning_lists_carry_a_repair_notice_and_the_packs_publish_red_and_black() -> None:
    assert needs_repair_notice("black") and needs_repair_notice("watch") and not needs_repair_notice("red")
    for pack in ("xian", "yuanbaoshan", "national"):
        assert published_kinds(get_policy(on=D(2026, 11, 20), pack=pack)) == {"red", "black"}
