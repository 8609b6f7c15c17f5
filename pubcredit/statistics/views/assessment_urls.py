"""The provider assessment (考核): `statistics:assessment`, `statistics:assessment_pdf`,
`statistics:assessment_xlsx`; operators and the authority only."""

from django.urls import URLPattern, path

from pubcredit.statistics.views import assessment as views

urlpatterns: list[URLPattern] = [
    path("", views.assessment, name="assessment"),
    path("pdf/", views.assessment_pdf, name="assessment_pdf"),
    path("xlsx/", views.assessment_xlsx, name="assessment_xlsx"),
]
