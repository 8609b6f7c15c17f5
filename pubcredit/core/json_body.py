"""Reading a JSON request body into a schema, refusing with a Chinese message and the field.

API handlers parse bodies here rather than through ninja's own validation so that every refusal is
a 400 in the platform's error shape. The input value is never echoed: it may be an ID number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pubcredit.core.errors import ValidationFailed

Schema = TypeVar("Schema", bound=BaseModel)

_MESSAGES = {
    "extra_forbidden": "不允许的字段“{field}”",
    "missing": "缺少必填字段“{field}”",
    "string_too_long": "字段“{field}”过长",
    "string_too_short": "字段“{field}”过短",
    "literal_error": "字段“{field}”的值不在可选值之内",
    "enum": "字段“{field}”的值不在可选值之内",
    "int_parsing": "字段“{field}”须为整数",
    "int_type": "字段“{field}”须为整数",
    "bool_parsing": "字段“{field}”须为 true 或 false",
    "bool_type": "字段“{field}”须为 true 或 false",
    "date_parsing": "字段“{field}”须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "字段“{field}”须为日期（YYYY-MM-DD）",
    "datetime_parsing": "字段“{field}”须为时间（ISO 8601）",
    "json_invalid": "请求体不是有效的 JSON",
    "greater_than_equal": "字段“{field}”的值过小",
    "less_than_equal": "字段“{field}”的值过大",
}
#: Where a parameter came from, as ninja puts it first in an error's location; not part of its name.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie", "payload", "data"}


def validation_problem(error: Mapping[str, Any]) -> tuple[str | None, str]:
    """The field and the Chinese message of one pydantic error (as pydantic or ninja reports it)."""
    parts = [str(part) for part in error.get("loc", ())]
    while parts and parts[0] in _SOURCES:
        parts.pop(0)
    field = ".".join(parts) or None
    template = _MESSAGES.get(str(error.get("type", "")), "字段“{field}”的值类型不正确")
    return field, template.format(field=field or "请求")


def parse_json_body(body: bytes, schema: type[Schema]) -> Schema:
    try:
        payload = json.loads(body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationFailed("请求体不是有效的 JSON") from None
    if not isinstance(payload, dict):
        raise ValidationFailed("请求体应为 JSON 对象")
    unfit = _unfit_text_at(payload, ())
    if unfit is not None:
        field = ".".join(unfit) or None
        where = f"字段“{field}”" if field else "请求体"
        raise ValidationFailed(f"{where}含有空字符（NUL）或无效的 Unicode 字符", field=field)
    try:
        return schema.model_validate(payload)
    except ValidationError as exc:
        field, message = validation_problem(exc.errors()[0])
        raise ValidationFailed(message, field=field) from None


def _unfit(text: str) -> bool:
    """NUL, which PostgreSQL refuses in text, or a lone surrogate (`"\\ud800"`), which is no
    character at all and cannot be written as UTF-8."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _unfit_text_at(value: object, path: tuple[str, ...]) -> tuple[str, ...] | None:
    """The path of the first key or string in `value` that no database can store, if any."""
    if isinstance(value, str):
        return path if _unfit(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _unfit(key):
                return path
            found = _unfit_text_at(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unfit_text_at(item, (*path, str(index)))
            if found is not None:
                return found
    return None


def json_body_openapi(schema: type[BaseModel]) -> dict[str, object]:
    """The `openapi_extra` that documents a required JSON body of `schema`, for handlers that read
    the body with `parse_json_body` instead of a ninja parameter."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema.model_json_schema()}}}}
