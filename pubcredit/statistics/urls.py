"""Statistics pages: the dashboard, early warnings and the provider assessment."""

from django.urls import include, path

app_name = "statistics"

urlpatterns = [
    path("warnings/", include("pubcredit.statistics.views.warning_urls")),
    path("assessment/", include("pubcredit.statistics.views.assessment_urls")),
    path("", include("pubcredit.statistics.views.dashboard_urls")),
]
