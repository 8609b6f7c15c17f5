"""The rules in force on a date: national baseline, then the city pack, each with its dated changes.

`get_policy` sits on hot paths (every disclosure decision), so packs are parsed once and the
layered values are cached per stretch of days in which nothing changes.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from pubcredit.core.errors import ConfigurationError
from pubcredit.policy.loader import Pack, PackSet, load_packs
from pubcredit.policy.params import Param, Policy
from pubcredit.policy.schema import BASELINE


def configured_pack_code() -> str:
    from django.conf import settings

    code = getattr(settings, "PUBCREDIT_POLICY", "")
    if not isinstance(code, str) or not code.strip():
        raise ConfigurationError("Setting PUBCREDIT_POLICY is missing: name a policy pack such as 'xian'.")
    return code.strip()


def _local_day(on: date) -> date:
    if isinstance(on, datetime):
        if on.tzinfo is None:
            return on.date()
        from django.utils import timezone

        return timezone.localdate(on)
    return on


def _layer(params: dict[str, Param], pack: Pack, day: date) -> None:
    for entry in pack.entries.values():
        params[entry.key] = Param(entry.key, entry.value, entry.article, pack.code, entry.note)
    for change in pack.changes:
        if change.starts > day:
            break
        for entry in change.entries.values():
            note = entry.note or change.note
            params[entry.key] = Param(entry.key, entry.value, entry.article, pack.code, note, since=change.starts)


def _segment_start(packset: PackSet, pack: Pack, day: date) -> date:
    """The first day of the stretch containing `day` in which no value of this pack changes."""
    days = packset.breaks.get(pack.code)
    if days is None:
        days = packset.packs[BASELINE].breakpoints()
        if pack.code != BASELINE:
            days += pack.breakpoints()
        days = packset.breaks[pack.code] = sorted(set(days))
    index = bisect.bisect_right(days, day)
    return days[index - 1] if index else date.min


def _resolve(packset: PackSet, pack: Pack, start: date) -> tuple[Mapping[str, Param], bool]:
    cache_key = (pack.code, start)
    cached = packset.resolved.get(cache_key)
    if cached is not None:
        return cached
    params: dict[str, Param] = {}
    _layer(params, packset.packs[BASELINE], start)
    in_force = pack.code == BASELINE or pack.covers(start)
    if pack.code != BASELINE and in_force:
        _layer(params, pack, start)
    result = (params, in_force)
    packset.resolved[cache_key] = result
    return result


def get_policy(on: date, *, pack: str | None = None, directory: Path | None = None) -> Policy:
    """The policy in force on `on` for `pack` (default: settings.PUBCREDIT_POLICY).

    A city pack outside its effective dates gives the national values (`Policy.in_force` is
    False and every `Param.pack` is "national"). `directory` reads packs from elsewhere (tests).
    """
    packset = load_packs(directory)
    chosen = (
        packset.get(pack, from_setting=False)
        if pack is not None
        else packset.get(configured_pack_code(), from_setting=True)
    )
    day = _local_day(on)
    params, in_force = _resolve(packset, chosen, _segment_start(packset, chosen, day))
    return Policy(chosen.code, chosen.name, chosen.title, day, in_force, params)
