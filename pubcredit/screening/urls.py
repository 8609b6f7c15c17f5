"""Pages of batch screening, mounted at /screening/."""

from django.urls import URLPattern

app_name = "screening"

urlpatterns: list[URLPattern] = []
