"""The public verification page of credit reports, mounted at /verify/."""

from django.urls import URLPattern

app_name = "verify"

urlpatterns: list[URLPattern] = []
