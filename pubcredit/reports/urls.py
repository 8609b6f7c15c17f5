"""Pages of credit reports, mounted at /reports/."""

from django.urls import URLPattern, path

from pubcredit.reports.views import pages

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("", pages.index, name="index"),
    path("generate/", pages.generate, name="generate"),
    path("authorised/", pages.authorised, name="authorised"),
    path("archive/", pages.archive, name="archive"),
    path("<int:pk>/download/", pages.download, name="download"),
    path("certificate/", pages.certificate, name="certificate"),
    path("certificate.pem", pages.certificate_pem, name="certificate_pem"),
]
