"""Requests no view should see: a NUL character in the path or the query string.

PostgreSQL cannot store or compare text with NUL, so such a value reaching a query answers 500;
refusing it here answers every endpoint alike, with the platform's error shape on the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = "请求地址或查询参数含有空字符（NUL），无法处理"


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": MESSAGE, "field": None}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
