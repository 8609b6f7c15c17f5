"""Pages of data exchange with other platforms (the shared-resource catalogue), mounted at /exchange/."""

from django.urls import URLPattern, path

from pubcredit.exchange import views

app_name = "exchange"

urlpatterns: list[URLPattern] = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("key/", views.key, name="key"),
]
