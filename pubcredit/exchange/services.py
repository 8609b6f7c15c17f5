"""Writes of the exchange: serving a signed feed page, pulling and applying a partner's feed.

Received changes are applied through the platform's own services (`record_create`,
`record_correct`, `record_withdraw`, `record_hold_place`, `record_hold_lift`,
`subject_get_or_register`) with the partner's API client as the actor, so validation, versions
and the audit happen as for any provider (西安 第六条、第十三条, 杭州 第五条). The provenance of each
received record (which platform, which original id) is kept in `ReceivedRecord`.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import actor_may
from pubcredit.accounts.models import ApiClient, ApiScope
from pubcredit.catalog.selectors import catalog_item_get
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pubcredit.core.roles import Role
from pubcredit.exchange.collect import exchange_collect
from pubcredit.exchange.models import ChangeKind, ExchangePartner, PartnerDirection, ReceivedHold, ReceivedRecord
from pubcredit.exchange.selectors import PAGE_DEFAULT, PAGE_MAX, feed_page, outbound_scope
from pubcredit.exchange.signing import SIGNATURE_HEADER, canonical_json, key_id, public_key_pem, sign
from pubcredit.exchange.signing import verify as signature_verify
from pubcredit.records.models import Annotation, AnnotationKind, Record, RecordStatus
from pubcredit.records.services import (
    record_annotate,
    record_correct,
    record_create,
    record_hold_lift,
    record_hold_place,
    record_withdraw,
)
from pubcredit.subjects.services import subject_get_or_register

WORKFLOW = "exchange"
_HOLD_KINDS = {AnnotationKind.OBJECTION, AnnotationKind.REPAIR, AnnotationKind.OVERDUE, AnnotationKind.STATEMENT}


# --- serving the feed ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedPage:
    body: bytes
    signature: str
    key_id: str


def feed_serve(*, client: Any, after: int, limit: int | None) -> SignedPage:
    """One signed page of changes for a partner platform's API client (scope `exchange`).

    The collector runs first (cheap when nothing is new). Only the items of the agreements in
    force for the client's organisation are served; another item never appears.
    """
    if not isinstance(client, ApiClient) or not client.active or not client.has_scope(ApiScope.EXCHANGE):
        raise PermissionDenied("只有持有“交换”（exchange）授权范围的对方平台 API 客户端可以获取变更数据")
    if after < 0:
        raise ValidationFailed(f"游标 after={after} 无效：应为不小于 0 的整数", field="after")
    size = PAGE_DEFAULT if limit is None else limit
    if not 1 <= size <= PAGE_MAX:
        raise ValidationFailed(f"每页条数 limit={size} 无效：应在 1 至 {PAGE_MAX} 之间", field="limit")
    agreements, items = outbound_scope(client.organisation_id)
    if not agreements:
        raise PermissionDenied(f"单位“{client.organisation}”没有有效的互联互通协议（本平台向其提供），不能获取变更数据")
    exchange_collect()
    page = feed_page(item_codes=items, after=after, limit=size, reader_id=client.organisation_id)
    public = public_key_pem()
    body = canonical_json(
        {
            "after": page.after,
            "next": page.next,
            "has_more": page.has_more,
            "agreements": agreements,
            "items": items,
            "key_id": key_id(public),
            "generated_at": timezone.now().isoformat(),
            "events": page.events,
        }
    )
    with transaction.atomic():
        audit_record(
            actor=None,
            action="exchange.feed.read",
            data={
                "api_client_id": client.pk,
                "api_client": client.name,
                "organisation_id": client.organisation_id,
                "agreements": agreements,
                "after": page.after,
                "next": page.next,
                "events": len(page.events),
            },
        )
    return SignedPage(body=body, signature=sign(body), key_id=key_id(public))


# --- pulling a partner's feed -------------------------------------------------------------------


class PullFailed(Exception):
    """A pull stopped; the message is English (CLI output) and names the page cursor."""


@dataclass
class PullResult:
    pages: int = 0
    cursor: int = 0
    counts: Counter[str] = field(default_factory=Counter)


def _partner_for_pull(code: str) -> ExchangePartner:
    partner = ExchangePartner.objects.select_related("organisation", "actor_client__organisation").filter(code=code)
    found = partner.first()
    if found is None:
        raise PullFailed(f"no exchange partner with code {code!r}")
    if found.direction != PartnerDirection.INBOUND:
        raise PullFailed(f"exchange partner {code!r} is not an inbound agreement (this platform does not pull from it)")
    if found.state != "active":
        raise PullFailed(f"exchange partner {code!r} is {found.state}, not active")
    today = timezone.localdate()
    if found.valid_from > today or (found.valid_until is not None and found.valid_until < today):
        raise PullFailed(f"exchange partner {code!r} is not valid on {today.isoformat()}")
    if not found.public_key.strip():
        raise PullFailed(f"exchange partner {code!r} has no public key to verify its pages; set it in the admin")
    client = found.actor_client
    if (
        client is None
        or client.organisation_id != found.organisation_id
        or not actor_may(client, Role.PROVIDER, scope=ApiScope.COLLECT)
    ):
        raise PullFailed(
            f"exchange partner {code!r} needs an active API client of its own organisation with the collect scope "
            "(the actor that writes received records); set it in the admin"
        )
    return found


def _fetch(url: str, token: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read(), response.headers.get(SIGNATURE_HEADER, "")
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise PullFailed(f"{url} answered HTTP {exc.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PullFailed(f"{url} cannot be reached: {exc}") from None


def exchange_pull(
    *,
    partner_code: str,
    token: str,
    base_url: str | None = None,
    page_size: int = PAGE_DEFAULT,
    delay: float = 0.0,
    report: Callable[[str], None] | None = None,
) -> PullResult:
    """Apply a partner's feed from the last applied cursor until it has no more pages.

    Each page is verified against the partner's public key before anything is read from it, and
    applied in one transaction together with the new cursor: a failure or a kill leaves the
    cursor at the last whole page, and the next run goes on from there.
    """
    partner = _partner_for_pull(partner_code)
    root = (base_url or partner.base_url).rstrip("/")
    if not root:
        raise PullFailed(f"exchange partner {partner_code!r} has no address; give --from URL")
    result = PullResult(cursor=partner.cursor)
    while True:
        cursor = ExchangePartner.objects.values_list("cursor", flat=True).get(pk=partner.pk)
        query = urllib.parse.urlencode({"after": cursor, "limit": page_size})
        body, signature = _fetch(f"{root}/api/v1/exchange/changes?{query}", token)
        if not signature_verify(body, signature, partner.public_key):
            raise PullFailed(
                f"page after cursor {cursor} from {partner.code!r}: signature does not verify against the "
                "partner's public key; nothing applied"
            )
        page = json.loads(body)
        if page.get("after") != cursor:
            raise PullFailed(f"page after cursor {cursor} from {partner.code!r} starts at {page.get('after')}; refused")
        counts = _apply_page(partner, page, cursor)
        result.pages += 1
        result.cursor = int(page["next"])
        result.counts.update(counts)
        if report is not None:
            applied = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing"
            report(f"page after {cursor} applied: {len(page['events'])} events ({applied}); cursor now {page['next']}")
        if not page.get("has_more"):
            return result
        if delay:
            time.sleep(delay)


@transaction.atomic
def _apply_page(partner: ExchangePartner, page: dict[str, Any], cursor: int) -> Counter[str]:
    locked = (
        ExchangePartner.objects.select_for_update(of=("self",))
        .select_related("actor_client__organisation")
        .get(pk=partner.pk)
    )
    if locked.cursor != cursor:
        raise PullFailed(
            f"page after cursor {cursor}: another pull of {partner.code!r} moved the cursor to {locked.cursor}"
        )
    counts: Counter[str] = Counter()
    for event in page["events"]:
        try:
            outcome = _apply_event(locked, event)
        except DomainError as exc:
            raise PullFailed(
                f"page after cursor {cursor}, event {event.get('cursor')} ({event.get('kind')}): refused here: {exc}; "
                "nothing of the page applied"
            ) from None
        counts[outcome] += 1
    locked.cursor = int(page["next"])
    locked.save(update_fields=["cursor", "updated_at"])
    audit_record(
        actor=None,
        action="exchange.pull.page",
        target=locked,
        data={"partner": locked.code, "after": cursor, "next": locked.cursor, "counts": dict(counts)},
    )
    return counts


def _apply_event(partner: ExchangePartner, event: dict[str, Any]) -> str:
    kind = event["kind"]
    payload = event["payload"]
    if kind == ChangeKind.RECORD_VERSION:
        return _apply_version(partner, payload, int(event["cursor"]))
    if kind == ChangeKind.HOLD_PLACED:
        return _apply_hold(partner, payload)
    if kind == ChangeKind.HOLD_LIFTED:
        return _apply_lift(partner, payload)
    if kind == ChangeKind.PURGE:
        return _apply_purge(partner, payload)
    return "skipped_list"  # list entries are decided by each platform's own departments


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _received(partner: ExchangePartner, origin_id: int) -> ReceivedRecord | None:
    return ReceivedRecord.objects.select_related("record").filter(partner=partner, origin_id=origin_id).first()


def _apply_version(partner: ExchangePartner, payload: dict[str, Any], cursor: int) -> str:
    subject_in = payload["subject"]
    if subject_in["kind"] != "org":
        # A person is published by the blind index of the sending platform's own key; without the
        # ID number it cannot be identified here.
        return "skipped_person"
    actor = partner.actor_client
    link = _received(partner, int(payload["record"]))
    version = int(payload["version"])
    if link is not None and version <= link.origin_version:
        return "duplicate"
    status = payload["status"]
    if payload.get("purged"):
        # Deleted at the source since: nothing of its content travels; the purge event follows.
        return "skipped_purged"
    if link is None:
        if status != RecordStatus.ACTIVE:
            return "skipped_inactive"
        subject, _ = subject_get_or_register(actor=actor, kind="org", name=subject_in["name"], uscc=subject_in["uscc"])
        try:
            item = catalog_item_get(payload["item_code"])
        except NotFound:
            raise ValidationFailed(f"本平台没有生效的目录项“{payload['item_code']}”", field="item_code") from None
        record = record_create(
            actor=actor,
            provider=partner.organisation,
            subject=subject,
            item=item,
            source_ref=payload["source_ref"],
            decided_on=_day(payload["decided_on"]) or dt.date.min,
            end_date=_day(payload["end_date"]),
            tier=payload["tier"],
            data=payload["data"],
            batch_ref=f"exchange:{partner.code}",
        )
        ReceivedRecord.objects.create(
            partner=partner,
            origin_id=int(payload["record"]),
            origin_provider=str(payload["provider"].get("name", ""))[:200],
            record=record,
            origin_version=version,
            origin_cursor=cursor,
        )
        return "created"
    record = link.record
    outcome = "unchanged"
    if status == RecordStatus.WITHDRAWN and record.status == RecordStatus.ACTIVE:
        record_withdraw(actor=actor, record=record, reason=payload["reason"] or f"来源平台（{partner.name}）撤回")
        outcome = "withdrawn"
    elif status == RecordStatus.ACTIVE and record.status == RecordStatus.ACTIVE:
        try:
            record_correct(
                actor=actor,
                record=record,
                reason=payload["reason"] or f"来源平台（{partner.name}）更正",
                data=payload["data"],
                decided_on=_day(payload["decided_on"]) or record.decided_on,
                end_date=_day(payload["end_date"]),
                tier=payload["tier"],
                source_ref=payload["source_ref"],
            )
            outcome = "corrected"
        except ValidationFailed as exc:
            if exc.field != "data" or "没有任何改动" not in str(exc):
                raise
    link.origin_version = version
    link.origin_cursor = cursor
    link.save(update_fields=["origin_version", "origin_cursor", "updated_at"])
    return outcome


def _apply_hold(partner: ExchangePartner, payload: dict[str, Any]) -> str:
    link = _received(partner, int(payload["record"]))
    if link is None:
        return "skipped_hold"
    origin = int(payload["annotation"])
    if ReceivedHold.objects.filter(partner=partner, origin_id=origin).exists():
        return "duplicate"
    kind = payload["kind"]
    text = payload["text"] or AnnotationKind(kind).label
    if kind in _HOLD_KINDS:
        annotation = record_hold_place(
            actor=partner.actor_client,
            record=link.record,
            kind=kind,
            text=text,
            article=payload["article"],
            workflow=f"{WORKFLOW}:{partner.code}",
        )
    else:
        annotation = record_annotate(
            actor=partner.actor_client, record=link.record, kind=kind, text=text, article=payload["article"]
        )
    ReceivedHold.objects.create(partner=partner, origin_id=origin, annotation=annotation, lifted=False)
    if not payload.get("active", True):
        return _apply_lift(partner, payload)
    return "hold_placed"


def _apply_lift(partner: ExchangePartner, payload: dict[str, Any]) -> str:
    held = ReceivedHold.objects.filter(partner=partner, origin_id=int(payload["annotation"])).first()
    if held is None:
        return "skipped_hold"
    if held.lifted:
        return "duplicate"
    annotation = Annotation.objects.get(pk=held.annotation_id)
    record_hold_lift(
        actor=partner.actor_client,
        annotation=annotation,
        reason=f"来源平台（{partner.name}）撤销标注",
        workflow=f"{WORKFLOW}:{partner.code}",
    )
    held.lifted = True
    held.save(update_fields=["lifted"])
    return "hold_lifted"


def _apply_purge(partner: ExchangePartner, payload: dict[str, Any]) -> str:
    link = _received(partner, int(payload["record"]))
    if link is None:
        return "skipped_purge"
    if link.purged:
        return "duplicate"
    record: Record = link.record
    if record.status == RecordStatus.ACTIVE:
        record_withdraw(
            actor=partner.actor_client,
            record=record,
            reason=f"来源平台（{partner.name}）已删除该记录：{payload['reason']}（{payload['article']}）",
        )
    link.purged = True
    link.save(update_fields=["purged", "updated_at"])
    return "purged"
