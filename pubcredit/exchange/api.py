"""API of data exchange with upstream and downstream platforms (thin: the services do the work)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from pubcredit.accounts.auth import ApiTokenAuth
from pubcredit.core.errors import ConfigurationError, NotFound
from pubcredit.exchange.selectors import shared_catalogue
from pubcredit.exchange.services import feed_serve
from pubcredit.exchange.signing import ALGORITHM, KEY_ID_HEADER, SIGNATURE_HEADER, key_id, public_key_pem

router = Router(tags=["互联互通"])


@router.get("/changes", auth=ApiTokenAuth(scope="exchange"))
def changes(request: HttpRequest, after: int = 0, limit: int | None = None) -> HttpResponse:
    """变更数据：游标之后、协议约定目录项范围内的变更，按顺序分页；每页以 Ed25519 签名
    （签名在 X-Pubcredit-Signature 响应头，对响应体的规范 JSON 字节签名）。"""
    page = feed_serve(client=request.auth, after=after, limit=limit)  # type: ignore[attr-defined]
    response = HttpResponse(page.body, content_type="application/json; charset=utf-8")
    response[SIGNATURE_HEADER] = page.signature
    response[KEY_ID_HEADER] = page.key_id
    return response


@router.get("/key", auth=None)
def key(request: HttpRequest) -> dict[str, Any]:
    """本平台交换数据签名公钥（用于验证变更数据每页的签名）。"""
    try:
        public = public_key_pem()
    except ConfigurationError:
        raise NotFound("本平台尚未生成交换签名密钥") from None
    return {"algorithm": ALGORITHM, "key_id": key_id(public), "public_key": public}


@router.get("/catalogue", auth=None)
def catalogue(request: HttpRequest) -> dict[str, Any]:
    """共享资源目录：本平台向其他平台提供的目录项、字段、更新周期和共享范围。"""
    return {"items": shared_catalogue()}
