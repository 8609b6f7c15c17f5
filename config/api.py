"""The one NinjaAPI of the platform. Domain apps register their routers here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestInvalid
from ninja.renderers import JSONRenderer

from pubcredit.core.errors import DomainError, NotFound, PermissionDenied
from pubcredit.core.json_body import validation_problem


class ChineseJSONRenderer(JSONRenderer):
    """Keep Chinese as UTF-8 in JSON answers (no \\uXXXX escaping)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="pubcredit 公共信用信息平台 API",
    version="1",
    urls_namespace="api",
    renderer=ChineseJSONRenderer(),
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 400
    if exc.code == "unauthenticated":
        status = 401
    elif isinstance(exc, PermissionDenied):
        status = 403
    elif isinstance(exc, NotFound):
        status = 404
    body = {"code": exc.code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=status)


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    """A request the API cannot parse: 400 in the platform's error shape, like every other refusal,
    instead of the framework's 422 (which some operations document with another shape)."""
    field, message = validation_problem(exc.errors[0]) if exc.errors else (None, "请求格式不正确")
    body = {"code": "invalid", "message": message}
    if field:
        body["field"] = field
    return api.create_response(request, body, status=400)


def _register_routers() -> None:
    from pubcredit.catalog.api import router as catalog_router
    from pubcredit.collection.api import router as batches_router
    from pubcredit.disclosure.api.access import authorised_router, sharing_router
    from pubcredit.disclosure.api.records import router as disclosure_records_router
    from pubcredit.evaluation.api import router as evaluation_router
    from pubcredit.exchange.api import router as exchange_router
    from pubcredit.lists.api import router as lists_router
    from pubcredit.measures.api import checks_router, measures_router
    from pubcredit.objections.api import router as objections_router
    from pubcredit.records.api import router as records_router
    from pubcredit.repairs.api import router as repairs_router
    from pubcredit.reports.api import router as reports_router
    from pubcredit.screening.api import router as screening_router
    from pubcredit.subjects.api import router as subjects_router

    # The public record look-up first: it is the most requested path, and URL resolution tries
    # the patterns in order (no other pattern has the shape /v1/subjects/{uscc}/record).
    api.add_router("/v1", disclosure_records_router)
    api.add_router("/v1/catalog", catalog_router)
    api.add_router("/v1/batches", batches_router)
    api.add_router("/v1/records", records_router)
    api.add_router("/v1/subjects", subjects_router)
    api.add_router("/v1/authorised-queries", authorised_router)
    api.add_router("/v1/sharing", sharing_router)
    api.add_router("/v1/objections", objections_router)
    api.add_router("/v1/repairs", repairs_router)
    api.add_router("/v1/lists", lists_router)
    api.add_router("/v1/measures", measures_router)
    api.add_router("/v1/checks", checks_router)
    api.add_router("/v1/screenings", screening_router)
    api.add_router("/v1/reports", reports_router)
    api.add_router("/v1/evaluation", evaluation_router)
    api.add_router("/v1/exchange", exchange_router)


_register_routers()
