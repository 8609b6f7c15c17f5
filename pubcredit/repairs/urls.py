"""Pages of the repairs workflow."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "repairs"

urlpatterns: list[URLPattern] = []
