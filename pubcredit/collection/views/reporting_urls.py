"""Timeliness pages, mounted at /collection/reporting/ in the "collection" namespace."""

from django.urls import URLPattern, path

from pubcredit.collection.views import reporting as views
from pubcredit.collection.views.reporting_duties import reporting_duties_manage

urlpatterns: list[URLPattern] = [
    path("", views.reporting_overview, name="reporting_overview"),
    path("mine/", views.reporting_mine, name="reporting_mine"),
    path("duties/", reporting_duties_manage, name="reporting_duties"),
]
