"""Public lists (公示栏): the newest public records of one catalogue item across subjects.

The 双公示 pages show licensing and penalty decisions as they are published. Like every way out,
they go through `decide` with the public viewer: SQL keeps only necessary conditions (the item,
active, public openness, period not ended, persons only where the pack makes their information
public), and each remaining record is decided before it is listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from pubcredit.disclosure import rules
from pubcredit.disclosure.rules import Decision, decide
from pubcredit.disclosure.selectors.facts import facts_for
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.policy import get_policy
from pubcredit.records.models import Record, RecordStatus

PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="社会公众")


@dataclass(frozen=True, slots=True)
class Published:
    record: Record
    decision: Decision


@dataclass(frozen=True, slots=True)
class PublishedPage:
    entries: list[Published]
    has_more: bool  # more candidates follow this page


def records_published(
    *, item_code: str, on: dt.date | None = None, limit: int = 50, before_id: int | None = None
) -> PublishedPage:
    """Up to `limit` shown records of `item_code`, newest first; `before_id` continues a list.

    Keyset paging on the id (newest records have the highest ids), so a deep page costs what the
    first does and nothing is skipped or repeated when new records arrive meanwhile.
    """
    day = on or timezone.localdate()
    policy = get_policy(on=day)
    candidates = Record.objects.filter(
        Q(disclosure_ends_on__isnull=True) | Q(disclosure_ends_on__gte=day),
        item_code=item_code,
        status=RecordStatus.ACTIVE,
        item__openness=rules.OPEN_PUBLIC,
    )
    if not rules.persons_public(policy):
        candidates = candidates.filter(subject_kind="org")
    if before_id is not None:
        candidates = candidates.filter(pk__lt=before_id)
    hiding_allowed = rules.hiding_applies(policy)
    entries: list[Published] = []
    last_id: int | None = None
    batch = max(limit, 50)
    while len(entries) < limit:
        if last_id is not None:
            candidates = candidates.filter(pk__lt=last_id)
        rows = list(candidates.select_related("item", "subject").order_by("-id")[:batch])
        if not rows:
            return PublishedPage(entries, has_more=False)
        for record, facts in zip(rows, facts_for(rows, hiding_allowed=hiding_allowed), strict=True):
            decision = decide(facts, PUBLIC, day, policy)
            if decision.shown:
                entries.append(Published(record, decision))
                if len(entries) == limit:
                    break
        last_id = rows[-1].pk
        if len(rows) < batch and len(entries) < limit:
            return PublishedPage(entries, has_more=False)
    return PublishedPage(entries, has_more=True)
