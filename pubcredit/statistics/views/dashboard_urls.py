"""The dashboard at /statistics/ and each chart's workbook."""

from django.urls import path

from pubcredit.statistics.views import dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/<slug:chart>.xlsx", views.chart_xlsx, name="chart_xlsx"),
]
