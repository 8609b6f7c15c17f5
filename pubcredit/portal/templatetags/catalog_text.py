"""Chinese wording of catalogue item attributes that are stored as codes or JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template

from pubcredit.catalog.fields import FIELD_TYPES, SUBJECT_KINDS
from pubcredit.catalog.rules import PERIOD_MODES

register = template.Library()


@register.filter
def period_rule_text(rule: Mapping[str, Any] | None) -> str:
    """The disclosure-period rule (西安 第二十一条: 披露期限由目录约定) as one Chinese sentence."""
    if not rule or rule.get("mode") not in PERIOD_MODES:
        return "未规定"
    mode = rule["mode"]
    if mode == "months":
        return f"按目录约定：{rule.get('months')} 个月"
    if mode == "long_term":
        return "长期公开"
    text = PERIOD_MODES["pack"]
    if rule.get("catalogue_months"):
        text += f"；均未规定时为 {rule['catalogue_months']} 个月"
    return text


@register.filter
def field_type_text(code: str) -> str:
    return FIELD_TYPES.get(code, code)


@register.filter
def subject_kinds_text(kinds: Sequence[str] | None) -> str:
    return "、".join(SUBJECT_KINDS.get(kind, kind) for kind in kinds or ()) or "—"


@register.filter
def field_requirement_text(spec: Mapping[str, Any]) -> str:
    if spec.get("required"):
        return "必填"
    required_for = [SUBJECT_KINDS.get(kind, kind) for kind in spec.get("required_for") or ()]
    if required_for:
        return "、".join(required_for) + "必填"
    return "选填"
