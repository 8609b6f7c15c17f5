"""Pages of data exchange with other platforms (the shared-resource catalogue), mounted at /exchange/."""

from django.urls import URLPattern

app_name = "exchange"

urlpatterns: list[URLPattern] = []
