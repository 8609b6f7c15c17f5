"""The public verification page of credit reports, mounted at /verify/."""

from django.urls import URLPattern, path

from pubcredit.reports.views import verify

app_name = "verify"

urlpatterns: list[URLPattern] = [
    path("", verify.lookup, name="lookup"),
    path("<str:number>/", verify.report, name="report"),
]
