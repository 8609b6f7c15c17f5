"""Reading the seed catalogue (seed/*.toml): the national 双公示 items and the categories of
元宝山 第六至十一条, each with its article. Pure file reading; the writing is `catalog_seed`."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from pubcredit.core.errors import ConfigurationError

SEED_DIR = Path(__file__).resolve().parent / "seed"
GROUPS_FILE = "_groups.toml"
_ITEM_KEYS = {
    "code",
    "name",
    "description",
    "info_class",
    "kind",
    "subject_kinds",
    "openness",
    "period_rule",
    "dual_publicity",
    "reporting_wd",
    "update_frequency",
    "legal_basis",
    "valid_from",
    "fields_before",
    "fields_after",
    "fields",
}


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"Catalogue seed file {path} cannot be read: {exc}") from exc


def load_seed_items(directory: Path = SEED_DIR) -> list[dict[str, Any]]:
    """Every seed item as the keyword content of `catalog_item_publish`, field groups expanded."""
    groups = _read(directory / GROUPS_FILE)
    items: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.toml")):
        if path.name == GROUPS_FILE:
            continue
        raw = _read(path)
        unknown = sorted(set(raw) - _ITEM_KEYS)
        if unknown:
            raise ConfigurationError(f"Catalogue seed file {path.name} has unknown keys: {', '.join(unknown)}")
        if raw.get("code") != path.stem:
            raise ConfigurationError(f"Catalogue seed file {path.name} must hold the item coded {path.stem}")
        fields: list[dict[str, Any]] = []
        for key in ("fields_before", "fields", "fields_after"):
            if key == "fields":
                fields.extend(raw.get("fields", []))
                continue
            for group in raw.get(key, []):
                if group not in groups:
                    raise ConfigurationError(f"Catalogue seed file {path.name} names an unknown field group {group}")
                fields.extend(dict(spec) for spec in groups[group])
        valid_from = raw.get("valid_from")
        if not isinstance(valid_from, dt.date):
            raise ConfigurationError(f"Catalogue seed file {path.name} needs a valid_from date")
        item = {k: v for k, v in raw.items() if k not in ("fields_before", "fields_after", "fields")}
        item["fields"] = fields
        items.append(item)
    return items
