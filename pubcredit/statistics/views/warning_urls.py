"""Early-warning pages, mounted at /statistics/warnings/ in the "statistics" namespace."""

from django.urls import URLPattern, path

from pubcredit.statistics.views import warnings as views

urlpatterns: list[URLPattern] = [
    path("", views.warning_list, name="warnings"),
    path("<int:pk>/handle/", views.warning_handle_view, name="warning_handle"),
]
