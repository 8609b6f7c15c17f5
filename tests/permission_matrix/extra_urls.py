"""The platform's URL conf plus one page nobody has written an entry for (the matrix's self-test)."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as platform


def _unlisted(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns: list[URLPattern | URLResolver] = [*platform, path("unlisted/", _unlisted, name="unlisted")]
