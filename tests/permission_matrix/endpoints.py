"""Every endpoint of the URL conf: the pages by URL name, the API by OpenAPI operation id, the admin apart.

Generated from `django.urls.get_resolver()` at collection time, so a new pattern appears in the
matrix (and fails it until it has an entry) without anyone listing it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from config.api import api

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Endpoint:
    key: str  # "namespace:name" for pages and the admin; the operation id for API operations
    method: str  # "GET" or "POST"
    route: str  # the pattern as written, e.g. "objections/<int:pk>/"
    kind: str  # "page", "api" or "admin"
    params: tuple[str, ...]  # path parameter names, filled from the scene
    form: bool = False  # an API operation that takes multipart form data rather than JSON

    @property
    def test_id(self) -> str:
        return f"{self.method} {self.key}"

    def path(self, kwargs: dict[str, object]) -> str:
        """The URL path with `kwargs` in place of the route's parameters."""
        if self.kind == "admin" and "(?P<" in self.route:
            # Regex patterns of the admin (the app index, the catch-all): any value reaches the guard.
            return "/admin/" + "/".join(str(kwargs[name]) for name in self.params) + "/"
        return "/" + _CONVERTER.sub(lambda m: str(kwargs[m.group(1)]), self.route)


def walk(patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(route, "namespace:name") of every pattern; the name is empty for unnamed patterns."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def _operations() -> dict[str, list[tuple[str, str, bool]]]:
    """OpenAPI path ("/api/v1/objections/{objection_id}") -> [(METHOD, operationId, takes a form)]."""
    schema = api.get_openapi_schema()
    found: dict[str, list[tuple[str, str, bool]]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in HTTP_METHODS:
                content = operation.get("requestBody", {}).get("content", {})
                found.setdefault(path, []).append(
                    (method.upper(), operation["operationId"], "multipart/form-data" in content)
                )
    return found


def _params(route: str) -> tuple[str, ...]:
    named = _CONVERTER.findall(route) or re.findall(r"\(\?P<(\w+)>", route)
    return tuple(dict.fromkeys(named))


def endpoints() -> list[Endpoint]:
    """Every (endpoint, method) the matrix asks about, in URL conf order.

    Pages and the admin are asked with GET (a POST entry in the matrix adds the POST); an API
    path is asked once per operation, with the operation's method. An unnamed page pattern gets
    its route as key, so it still fails the matrix.
    """
    operations = _operations()
    seen: set[tuple[str, str]] = set()
    found: list[Endpoint] = []
    for route, name in walk(get_resolver().url_patterns):
        params = _params(route)
        if route.startswith("admin/"):
            found.append(Endpoint(name or route, "GET", route, "admin", params))
            continue
        template = "/" + _CONVERTER.sub(lambda m: "{" + m.group(1) + "}", route)
        if route.startswith("api/") and template in operations:
            for method, operation_id, form in operations[template]:
                if (method, operation_id) not in seen:
                    seen.add((method, operation_id))
                    found.append(Endpoint(operation_id, method, route, "api", params, form))
            continue
        found.append(Endpoint(name or route, "GET", route, "api" if route.startswith("api/") else "page", params))
    return found
