"""Plausible field values for a demo record, by field type and by what the field names.

The catalogue's field specs drive this, so a new seed item gets demo data without new code;
names that identify the subject or the deciding department are filled consistently.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pubcredit.demo import city

_SUBJECT_NAME_FIELDS = {"subject_name", "XK_XDR_MC", "CF_XDR_MC"}
_SUBJECT_USCC_FIELDS = {"uscc", "XK_XDR_SHXYM", "CF_XDR_SHXYM"}
_SUBJECT_ID_FIELDS = {"id_number", "XK_XDR_ZJHM", "CF_XDR_ZJHM"}
_PERSON_NAME_FIELDS = {"XK_FRDB", "CF_FRDB", "legal_rep", "officer_name"}
_DEPARTMENT_FIELDS = {"XK_XKJG", "CF_CFJG", "XK_LYDW", "CF_SJLY", "registration_authority", "organiser", "court"}
_DEPARTMENT_CODE_FIELDS = {"XK_XKJGDM", "CF_CFJGDM", "XK_LYDWDM", "CF_SJLYDM"}
_REFERENCE_FIELDS = {"XK_WSH", "CF_WSH", "decision_no", "document_no", "case_no", "certificate_no", "XK_XKBH"}
_SUBJECT_KIND_FIELDS = {"XK_XDR_LB": {"org": "法人及非法人组织", "person": "自然人"}}
_SUBJECT_KIND_FIELDS["CF_XDR_LB"] = _SUBJECT_KIND_FIELDS["XK_XDR_LB"]
_PERSON_ID_TYPE_FIELDS = {"XK_XDR_ZJLX", "CF_XDR_ZJLX"}
_LATER_DATE_FIELDS = {"XK_YXQJ", "CF_GSJZQ", "expires_on", "ban_to", "valid_until"}
_TODAY_BOUNDED_LATER = {"removed_on"}


@dataclass(frozen=True)
class SubjectFacts:
    kind: str
    name: str
    uscc: str | None
    id_number: str | None


@dataclass(frozen=True)
class DepartmentFacts:
    name: str
    uscc: str


def person_name(rng: random.Random) -> str:
    return rng.choice(city.SURNAMES) + "".join(rng.choice(city.GIVEN_CHARS) for _ in range(rng.choice((1, 2))))


def field_value(
    spec: dict[str, Any],
    *,
    rng: random.Random,
    subject: SubjectFacts,
    department: DepartmentFacts,
    source_ref: str,
    decided_on: date,
    today: date,
) -> Any:
    """A value for one field, or None to leave an optional field empty."""
    name, kind = spec["name"], spec["type"]
    required = spec.get("required") or subject.kind in spec.get("required_for", [])
    if name in _SUBJECT_NAME_FIELDS:
        return subject.name
    if name in _SUBJECT_USCC_FIELDS:
        return subject.uscc
    if name in _SUBJECT_ID_FIELDS:
        return subject.id_number
    if name in _SUBJECT_KIND_FIELDS:
        return _SUBJECT_KIND_FIELDS[name][subject.kind]
    if name in _PERSON_ID_TYPE_FIELDS:
        return "身份证" if subject.kind == "person" and "身份证" in spec.get("choices", []) else None
    if name in _DEPARTMENT_FIELDS:
        return department.name
    if name in _DEPARTMENT_CODE_FIELDS:
        return department.uscc
    if name in _REFERENCE_FIELDS:
        return source_ref
    if name in _PERSON_NAME_FIELDS:
        return person_name(rng) if subject.kind == "org" or required else None
    if not required and rng.random() < 0.5:
        return None
    if kind == "date":
        if name in _LATER_DATE_FIELDS:
            return decided_on + timedelta(days=rng.randrange(365, 365 * 5))
        if name in _TODAY_BOUNDED_LATER:
            return min(today, decided_on + timedelta(days=rng.randrange(30, 400)))
        return decided_on
    if kind == "enum":
        return rng.choice(spec["choices"])
    if kind == "decimal":
        return f"{rng.randrange(1, 500_000) / 100:.2f}"
    if kind == "integer":
        return decided_on.year if "year" in name else rng.randrange(1, 200)
    if kind == "bool":
        return rng.random() < 0.5
    if kind in ("uscc", "id_number"):
        return None
    label = spec.get("label", name)
    if kind == "text":
        return f"{label}：演示数据，依据有关法律法规处理。"
    text = f"{label}（演示）"
    max_length = spec.get("max_length")
    return text[:max_length] if max_length else text


def record_values(
    fields: list[dict[str, Any]],
    *,
    rng: random.Random,
    subject: SubjectFacts,
    department: DepartmentFacts,
    source_ref: str,
    decided_on: date,
    today: date,
) -> dict[str, Any]:
    """A record's data for a catalogue item's fields, optional ones sometimes left out."""
    data = {}
    for spec in fields:
        value = field_value(
            spec,
            rng=rng,
            subject=subject,
            department=department,
            source_ref=source_ref,
            decided_on=decided_on,
            today=today,
        )
        if value is not None:
            data[spec["name"]] = value
    return data
