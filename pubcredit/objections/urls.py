"""Pages of the objections workflow."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "objections"

urlpatterns: list[URLPattern] = []
