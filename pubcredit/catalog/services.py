"""Writes to the catalogue: publish an item, revise it into a new version, retire it.

Only the credit centre changes the catalogue; every change is audited. A revision never edits
a version in place: records keep pointing at the version they were collected under.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from pubcredit.accounts.actors import audit_identity
from pubcredit.catalog.fields import parse_field_specs
from pubcredit.catalog.models import CatalogItem
from pubcredit.catalog.permissions import require_catalog_manager
from pubcredit.catalog.rules import check_item_header, check_period_rule, check_personal_fields
from pubcredit.catalog.seeding import load_seed_items
from pubcredit.catalog.selectors import catalog_item_latest
from pubcredit.core.audit import audit_record
from pubcredit.core.errors import ValidationFailed

# What a revision may change; code and version are the identity of a version.
REVISABLE = (
    "name",
    "description",
    "info_class",
    "kind",
    "subject_kinds",
    "fields",
    "openness",
    "period_rule",
    "dual_publicity",
    "reporting_wd",
    "update_frequency",
    "legal_basis",
)

_SEED_DEFAULTS: dict[str, Any] = {
    "description": "",
    "dual_publicity": False,
    "reporting_wd": None,
    "update_frequency": "",
    "legal_basis": "",
}


def validate_item_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """Check a whole item content and return it normalised (fields in their canonical JSON form)."""
    check_item_header(
        code=content["code"],
        name=content["name"],
        info_class=content["info_class"],
        kind=content["kind"],
        subject_kinds=list(content["subject_kinds"]),
        openness=content["openness"],
        reporting_wd=content.get("reporting_wd"),
    )
    specs = parse_field_specs(content["fields"])
    check_personal_fields(specs, list(content["subject_kinds"]))
    period_rule = check_period_rule(content["period_rule"])
    out = dict(content)
    out["name"] = content["name"].strip()
    out["fields"] = [spec.as_json() for spec in specs]
    out["period_rule"] = period_rule
    out["subject_kinds"] = list(content["subject_kinds"])
    return out


def _audit(actor: Any, action: str, target: CatalogItem | None, data: dict[str, Any]) -> None:
    user, extra = audit_identity(actor)
    audit_record(actor=user, action=action, target=target, data={**data, **extra})


@transaction.atomic
def catalog_item_publish(
    *,
    actor: Any,
    code: str,
    name: str,
    info_class: str,
    kind: str,
    subject_kinds: Sequence[str],
    fields: Sequence[Mapping[str, Any]],
    openness: str,
    period_rule: Mapping[str, Any],
    valid_from: dt.date | None = None,
    description: str = "",
    dual_publicity: bool = False,
    reporting_wd: int | None = None,
    update_frequency: str = "",
    legal_basis: str = "",
) -> CatalogItem:
    """Publish version 1 of a new item (西安 第九条, 元宝山 第十三条: 编制目录并向社会发布)."""
    require_catalog_manager(actor)
    item = _create_first_version(
        {
            "code": code,
            "name": name,
            "description": description,
            "info_class": info_class,
            "kind": kind,
            "subject_kinds": list(subject_kinds),
            "fields": list(fields),
            "openness": openness,
            "period_rule": dict(period_rule),
            "dual_publicity": dual_publicity,
            "reporting_wd": reporting_wd,
            "update_frequency": update_frequency,
            "legal_basis": legal_basis,
        },
        valid_from=valid_from or timezone.localdate(),
    )
    _audit(actor, "catalog.item.publish", item, {"code": code, "version": 1})
    return item


def _create_first_version(content: Mapping[str, Any], *, valid_from: dt.date) -> CatalogItem:
    code = content["code"]
    if catalog_item_latest(code) is not None:
        raise ValidationFailed(f"目录项“{code}”已存在，请通过修订发布新版本", field="code")
    return CatalogItem.objects.create(
        version=1,
        valid_from=valid_from,
        status=CatalogItem.Status.published,
        **validate_item_content(content),
    )


@transaction.atomic
def catalog_item_revise(
    *, actor: Any, code: str, changes: Mapping[str, Any], valid_from: dt.date | None = None
) -> CatalogItem:
    """Publish the next version of `code` with `changes`; the previous version ends the day before.

    A new version may take effect on the same day as the one it replaces (to fix an error at
    once); the replaced version then has `valid_to` before `valid_from` and never answers for a
    date, while the records collected under it keep pointing at it.
    """
    require_catalog_manager(actor)
    return _revise(actor=actor, code=code, changes=changes, valid_from=valid_from)


def _revise(*, actor: Any, code: str, changes: Mapping[str, Any], valid_from: dt.date | None) -> CatalogItem:
    current = (
        CatalogItem.objects.select_for_update()
        .filter(code=code, status=CatalogItem.Status.published, valid_to__isnull=True)
        .order_by("-version")
        .first()
    )
    if current is None:
        raise ValidationFailed(f"目录项“{code}”没有现行有效的版本，无法修订", field="code")
    unknown = sorted(set(changes) - set(REVISABLE))
    if unknown:
        raise ValidationFailed(f"目录项不能修订这些内容：{'、'.join(unknown)}", field=unknown[0])
    start = valid_from or timezone.localdate()
    if start < current.valid_from:
        raise ValidationFailed(
            f"新版本的适用起始日 {start.isoformat()} 早于现行第{current.version}版的起始日 "
            f"{current.valid_from.isoformat()}",
            field="valid_from",
        )
    before = current.snapshot()
    content = validate_item_content({**before, **changes})
    changed = sorted(k for k in REVISABLE if content.get(k) != before.get(k))
    if not changed:
        raise ValidationFailed(f"目录项“{code}”的修订没有任何改动", field="changes")
    latest = catalog_item_latest(code)
    assert latest is not None
    current.valid_to = start - dt.timedelta(days=1)
    current.save(update_fields=["valid_to", "updated_at"])
    item = CatalogItem.objects.create(
        version=latest.version + 1,
        valid_from=start,
        status=CatalogItem.Status.published,
        **content,
    )
    _audit(
        actor,
        "catalog.item.revise",
        item,
        {"code": code, "version": item.version, "previous": current.version, "changed": changed},
    )
    return item


@transaction.atomic
def catalog_item_retire(*, actor: Any, code: str, last_day: dt.date | None = None) -> CatalogItem:
    """Stop collecting under `code` after `last_day`; existing records keep their version."""
    require_catalog_manager(actor)
    current = (
        CatalogItem.objects.select_for_update()
        .filter(code=code, status=CatalogItem.Status.published, valid_to__isnull=True)
        .order_by("-version")
        .first()
    )
    if current is None:
        raise ValidationFailed(f"目录项“{code}”没有现行有效的版本，无法停用", field="code")
    end = last_day or timezone.localdate()
    if end < current.valid_from:
        raise ValidationFailed(
            f"停用日期 {end.isoformat()} 早于第{current.version}版的适用起始日 {current.valid_from.isoformat()}",
            field="last_day",
        )
    current.valid_to = end
    current.status = CatalogItem.Status.retired
    current.save(update_fields=["valid_to", "status", "updated_at"])
    _audit(
        actor,
        "catalog.item.retire",
        current,
        {"code": code, "version": current.version, "last_day": end.isoformat()},
    )
    return current


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)


@transaction.atomic
def catalog_seed(*, actor: Any = None, update: bool = False) -> SeedResult:
    """Load the seed catalogue; running it again changes nothing.

    An item whose current version differs from the seed (an operator revised it) is left alone
    and reported, unless `update` asks to publish the seed content as a new version. Run by the
    `pubcredit catalog seed` command at installation, so no operator is needed for the first load.
    """
    result = SeedResult()
    for raw in load_seed_items():
        content = {k: v for k, v in raw.items() if k != "valid_from"}
        code = content["code"]
        current = (
            CatalogItem.objects.filter(code=code, status=CatalogItem.Status.published, valid_to__isnull=True)
            .order_by("-version")
            .first()
        )
        if current is None and catalog_item_latest(code) is None:
            _create_first_version(content, valid_from=raw["valid_from"])
            result.created.append(code)
            continue
        wanted = validate_item_content({**dict.fromkeys(REVISABLE, None), **_SEED_DEFAULTS, **content})
        if current is not None and all(wanted.get(k) == current.snapshot().get(k) for k in REVISABLE):
            result.unchanged.append(code)
        elif update and current is not None:
            _revise(actor=actor, code=code, changes={k: wanted[k] for k in REVISABLE}, valid_from=None)
            result.revised.append(code)
        else:
            result.differs.append(code)
    if result.created or result.revised:
        _audit(
            actor,
            "catalog.seed",
            None,
            {"created": result.created, "revised": result.revised},
        )
    return result
