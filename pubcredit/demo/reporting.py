"""Reporting duties of the demo city, with a few departments behind, so the timeliness page has content.

Every provider gets a duty for each item it provides (plan.py) at its agreed frequency. Most
reported the day before the anchor; a few are chosen to be late: three long overdue (reminded,
then listed for public criticism), three recently overdue (reminded, still within the grace
period). The daily sweep is then run for the three weeks up to the anchor, as a timer would
have, so the notices are the ones the platform itself issues. Everything goes through the
collection services and depends on the anchor day only, so every load gives the same duties.
"""

from __future__ import annotations

from datetime import date, timedelta

from pubcredit.accounts.models import Organisation, ReportingFrequency, User
from pubcredit.collection.models import ReportingDuty
from pubcredit.collection.services.reporting import (
    reporting_duty_mark_reported,
    reporting_duty_set,
    reporting_sweep,
)
from pubcredit.demo.plan import ITEM_PLAN, PER_SUBJECT_ITEMS

SWEEP_DAYS = 21
LONG_OVERDUE = frozenset({("市场监管局", "RZ"), ("住建局", "CF"), ("中院", "SX")})
RECENTLY_OVERDUE = frozenset({("市场监管局", "CF"), ("税务局", "QJ"), ("教育局", "KS")})
# Days before the anchor of the last report that puts the due date a few days before it.
_RECENT_OFFSET: dict[str, int] = {
    ReportingFrequency.DAILY: 5,
    ReportingFrequency.WEEKLY: 12,
    ReportingFrequency.MONTHLY: 34,
}
_LONG_OFFSET = 45


def _pairs() -> list[tuple[str, str]]:
    pairs = {(provider, code) for code, (_, providers) in ITEM_PLAN.items() for provider in providers}
    pairs |= {(provider, code) for code, provider in PER_SUBJECT_ITEMS.values()}
    return sorted(pairs)


def demo_reporting(*, admin: User, departments: dict[str, Organisation], anchor: date) -> int:
    """Set the duties and run the sweeps up to `anchor`; once only (returns 0 when duties exist)."""
    if ReportingDuty.objects.exists():
        return 0
    count = 0
    for short_name, code in _pairs():
        provider = departments[short_name]
        frequency = provider.reporting_frequency or ReportingFrequency.WEEKLY
        if (short_name, code) in LONG_OVERDUE:
            last = anchor - timedelta(days=_LONG_OFFSET)
        elif (short_name, code) in RECENTLY_OVERDUE:
            last = anchor - timedelta(days=_RECENT_OFFSET.get(frequency, 12))
        else:
            last = anchor - timedelta(days=1)
        reporting_duty_set(actor=admin, provider=provider, item_code=code, frequency=frequency, today=last)
        reporting_duty_mark_reported(provider=provider, item_code=code, on=last)
        count += 1
    for back in range(SWEEP_DAYS - 1, -1, -1):
        reporting_sweep(today=anchor - timedelta(days=back))
    return count
