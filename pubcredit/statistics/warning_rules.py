"""Early-warning thresholds and conditions (西安 第六条: the platform monitors and warns) as pure
functions of the facts, so the sweep only gathers facts and the rules can be tested without a
database.

西安 第六条 gives the platform the duty to monitor and warn but no figures, so every number comes
from the policy pack (national baseline, article "平台默认"), and every warning cites the key and
article that set its threshold:

- `warnings.bad_rise_days`, `warnings.bad_rise_count`: a subject with at least `count` bad records
  collected within the last `days` days.
- `warnings.loop_near_wd`: an objection, repair or measure task due within that many working days
  is near (notice); past its due date it is overdue (alert).
- `warnings.volume_baseline_months`, `warnings.volume_drop_percent`: a provider's last full month
  below that percentage of its average over the full months before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pubcredit.core.workdays import CalendarSource, count_working_days
from pubcredit.records.rules import PolicyReader, add_months
from pubcredit.statistics.models import WarningLevel

BAD_RISE_DAYS_KEY = "warnings.bad_rise_days"
BAD_RISE_COUNT_KEY = "warnings.bad_rise_count"
LOOP_NEAR_WD_KEY = "warnings.loop_near_wd"
VOLUME_BASELINE_MONTHS_KEY = "warnings.volume_baseline_months"
VOLUME_DROP_PERCENT_KEY = "warnings.volume_drop_percent"

#: A baseline below one record a month is too thin to call anything a drop.
VOLUME_MIN_AVERAGE = 1


@dataclass(frozen=True, slots=True)
class Threshold:
    """One number of the pack and where it comes from, written into each warning's `article`."""

    key: str
    value: int
    article: str
    pack: str

    @property
    def citation(self) -> str:
        return f"{self.key} = {self.value}（{self.article}，{self.pack}）"


@dataclass(frozen=True, slots=True)
class Thresholds:
    bad_rise_days: Threshold
    bad_rise_count: Threshold
    loop_near_wd: Threshold
    volume_baseline_months: Threshold
    volume_drop_percent: Threshold


def _threshold(policy: PolicyReader, key: str, *, minimum: int) -> Threshold:
    param = policy.param(key)
    value = param.value
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"policy value {key} = {value!r} must be a whole number of at least {minimum}")
    return Threshold(key=key, value=value, article=param.article, pack=param.pack)


def warning_thresholds(policy: PolicyReader) -> Thresholds:
    """Every early-warning number from the pack in force (keys `warnings.*`, article 平台默认 in the
    national baseline; a city pack may set its own). A value that is not a positive whole number
    (zero working days is allowed for `loop_near_wd`: due today only) is a pack error, not a guess."""
    return Thresholds(
        bad_rise_days=_threshold(policy, BAD_RISE_DAYS_KEY, minimum=1),
        bad_rise_count=_threshold(policy, BAD_RISE_COUNT_KEY, minimum=1),
        loop_near_wd=_threshold(policy, LOOP_NEAR_WD_KEY, minimum=0),
        volume_baseline_months=_threshold(policy, VOLUME_BASELINE_MONTHS_KEY, minimum=1),
        volume_drop_percent=_threshold(policy, VOLUME_DROP_PERCENT_KEY, minimum=1),
    )


# --- bad_rise --------------------------------------------------------------------------------------


def bad_rise_window(on: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The local days whose collected records count: the `days` days ending with `on` (both
    included), so with 30 days on 2026-10-30 the window is 2026-10-01 to 2026-10-30."""
    return on - dt.timedelta(days=days - 1), on


def bad_rise_applies(count: int, threshold: int) -> bool:
    """At least `warnings.bad_rise_count` bad records in the window (平台默认)."""
    return count >= threshold


def bad_rise_key(subject_id: int) -> str:
    """The subject by its row id only: no name or ID number ever goes into a key."""
    return f"bad_rise:{subject_id}"


# --- provider_silent -------------------------------------------------------------------------------


def provider_silent(next_due_on: dt.date, on: dt.date) -> bool:
    """A duty is overdue the day after its due date (the due date itself is still in time)."""
    return next_due_on < on


def provider_silent_key(duty_id: int, next_due_on: dt.date) -> str:
    return f"provider_silent:{duty_id}:{next_due_on.isoformat()}"


# --- loop_deadline ---------------------------------------------------------------------------------


def loop_level(due_on: dt.date, on: dt.date, near_wd: int, *, source: CalendarSource | None = None) -> str | None:
    """The level of a loop due on `due_on`, seen on `on`: alert once the due date is past; notice
    while at most `warnings.loop_near_wd` working days remain (counted as deadlines are: days d with
    on < d <= due_on, so the due day itself is 0 days away and holidays do not count); None before."""
    if due_on < on:
        return WarningLevel.ALERT
    if count_working_days(on, due_on, source=source).days <= near_wd:
        return WarningLevel.NOTICE
    return None


def loop_key(loop: str, pk: int, due_on: dt.date, level: str) -> str:
    """The level and the due date are part of the key: escalating to overdue raises a new alert
    (the near notice is cleared), and a moved due date is a new condition."""
    return f"loop_deadline:{loop}:{pk}:{due_on.isoformat()}:{level}"


# --- volume_drop -----------------------------------------------------------------------------------


def volume_months(on: dt.date, baseline_months: int) -> tuple[dt.date, list[dt.date]]:
    """The last full month before `on` and the `baseline_months` full months before that (first
    days, oldest first)."""
    last = add_months(on.replace(day=1), -1)
    return last, [add_months(last, -n) for n in range(baseline_months, 0, -1)]


def volume_dropped(last: int, baseline: Sequence[int], percent: int) -> bool:
    """True when the last full month's `records.collected` is below `percent`% of the baseline
    average (exactly at the percentage is not a drop).

    Only when the baseline average is at least `VOLUME_MIN_AVERAGE` (1 record a month): a provider
    that hardly reports has no volume to drop, and a month with no tally counts as 0. Integer
    arithmetic, so 50% of an average of 3 is compared exactly (1 < 1.5)."""
    if not baseline:
        return False
    total = sum(baseline)
    if total < VOLUME_MIN_AVERAGE * len(baseline):
        return False
    return last * 100 * len(baseline) < percent * total


def volume_key(provider_id: int, month: dt.date) -> str:
    return f"volume_drop:{provider_id}:{month:%Y-%m}"
